/** GET /projects */

import { projectDeps } from '../../app/dependencies.ts';
import { listProjects } from '../../domain/use-cases/projects.ts';
import { httpRoute } from '../http/http.ts';
import { presentProject } from '../presenters.ts';
import { projectsRoutes } from '../routes/projects.ts';

export const handler = httpRoute(projectsRoutes.listProjects, async ({ principal, query }) => {
  const page = await listProjects(projectDeps, principal, query);
  return { statusCode: 200, body: { items: page.items.map(presentProject), next_cursor: page.next_cursor } };
});
