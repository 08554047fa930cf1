/** DELETE /projects/{project_id} — 409 while the project has live environments. */
import { deleteProject } from '../domain/services/projects.ts';
import { projectStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.deleteProject, async ({ principal, params }) => {
  await deleteProject(projectStore, principal, params.project_id);
  return { statusCode: 204 };
});
