/** GET /projects */
import { presentProject } from '../domain/presenters.ts';
import { listProjects } from '../domain/services/projects.ts';
import { projectStore } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { projectsRoutes } from './routes/projects.ts';

export const handler = httpRoute(projectsRoutes.listProjects, async ({ principal, query }) => {
  const page = await listProjects(projectStore, principal, query);
  return { statusCode: 200, body: { items: page.items.map(presentProject), next_cursor: page.next_cursor } };
});
