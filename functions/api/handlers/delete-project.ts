/** DELETE /projects/{project_id} — 409 while the project has live environments. */

import { projectDeps } from '../../app/dependencies.ts';
import { deleteProject } from '../../domain/use-cases/projects.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { projectsRoutes } from '../routes/projects.ts';

export const handler = auditedRoute(projectsRoutes.deleteProject, async ({ principal, params }) => {
  await deleteProject(projectDeps, principal, params.project_id);
  return { statusCode: 204 };
});
