/** PATCH /projects/{project_id} — honours If-Match: <version>. */
import { etag, presentProject } from '../domain/presenters.ts';
import { updateProject } from '../domain/services/projects.ts';
import { projectStore } from '../shared/dependencies.ts';
import { httpRoute, parseIfMatch } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.updateProject, async ({ principal, params, body, headers }) => {
  const project = await updateProject(
    projectStore,
    principal,
    params.project_id,
    body,
    parseIfMatch(headers),
  );
  return { statusCode: 200, body: presentProject(project), headers: etag(project) };
});
