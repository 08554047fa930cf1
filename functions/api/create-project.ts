/** POST /projects */
import { etag, presentProject } from '../domain/presenters.ts';
import { createProject } from '../domain/services/projects.ts';
import { projectStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.createProject, async ({ principal, body }) => {
  const project = await createProject(projectStore, principal, body);
  return { statusCode: 201, body: presentProject(project), headers: etag(project) };
});
