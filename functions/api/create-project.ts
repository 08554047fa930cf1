/** POST /projects */
import { etag, presentProject } from '../domain/presenters.ts';
import { createProject } from '../domain/services/projects.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { projectStore } from '../shared/dependencies.ts';
import { projectsRoutes } from './routes/projects.ts';

export const handler = auditedRoute(projectsRoutes.createProject, async ({ principal, body }) => {
  const project = await createProject(projectStore, principal, body);
  return { statusCode: 201, body: presentProject(project), headers: etag(project) };
});
