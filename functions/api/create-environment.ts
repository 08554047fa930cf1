/** POST /projects/{project_id}/environments — records the environment and starts provisioning (202). */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { createEnvironment } from '../domain/services/environments.ts';
import { environmentDeps, environmentSettings } from '../shared/dependencies.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.createEnvironment, async ({ principal, params, body }) => {
  const { environment, operation } = await createEnvironment(
    environmentDeps,
    principal,
    params.project_id,
    body,
    environmentSettings(),
  );
  return {
    statusCode: 202,
    body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
    headers: { ...etag(environment), location: `/v1/environments/${environment.id}` },
  };
});
