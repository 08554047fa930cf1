/** POST /projects */

import { projectDeps } from '../../app/dependencies.ts';
import { createProject } from '../../domain/use-cases/projects.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { etag, presentProject } from '../presenters.ts';
import { projectsRoutes } from '../routes/projects.ts';

export const handler = auditedRoute(projectsRoutes.createProject, async ({ principal, body }) => {
  const project = await createProject(projectDeps, principal, body);
  return {
    statusCode: 201,
    body: presentProject(project),
    headers: { ...etag(project), location: `/v1/projects/${project.id}` },
  };
});
