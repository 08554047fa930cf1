/** PATCH /projects/{project_id} — honours If-Match: <version>. */

import { projectDeps } from '../../app/dependencies.ts';
import { updateProject } from '../../domain/use-cases/projects.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { parseIfMatch } from '../http/http.ts';
import { etag, presentProject } from '../presenters.ts';
import { projectsRoutes } from '../routes/projects.ts';

export const handler = auditedRoute(
  projectsRoutes.updateProject,
  async ({ principal, params, body, headers }) => {
    const project = await updateProject(
      projectDeps,
      principal,
      params.project_id,
      body,
      parseIfMatch(headers),
    );
    return { statusCode: 200, body: presentProject(project), headers: etag(project) };
  },
);
