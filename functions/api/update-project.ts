/** PATCH /projects/{project_id} — honours If-Match: <version>. */
import { etag, presentProject } from '../domain/presenters.ts';
import { updateProject } from '../domain/services/projects.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { projectStore } from '../shared/dependencies.ts';
import { parseIfMatch } from '../shared/http.ts';
import { projectsRoutes } from './routes/projects.ts';

export const handler = auditedRoute(
  projectsRoutes.updateProject,
  async ({ principal, params, body, headers }) => {
    const project = await updateProject(
      projectStore,
      principal,
      params.project_id,
      body,
      parseIfMatch(headers),
    );
    return { statusCode: 200, body: presentProject(project), headers: etag(project) };
  },
);
