/** DELETE /projects/{project_id} — 409 while the project has live environments. */
import { deleteProject } from '../domain/services/projects.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { projectStore } from '../shared/dependencies.ts';
import { projectsRoutes } from './routes/projects.ts';

export const handler = auditedRoute(projectsRoutes.deleteProject, async ({ principal, params }) => {
  await deleteProject(projectStore, principal, params.project_id);
  return { statusCode: 204 };
});
