/** DELETE /environments/{env_id} — starts teardown, layers in reverse (202); `?dry_run=true` answers the plan (200). */
import { etag, presentEnvironment, presentOperation } from '../domain/presenters.ts';
import { destroyEnvironment } from '../domain/services/environments.ts';
import { planDelete } from '../domain/services/plans.ts';
import { auditedRoute } from '../shared/audited-route.ts';
import { environmentDeps } from '../shared/dependencies.ts';
import { environmentsRoutes } from './routes/environments.ts';

export const handler = auditedRoute(
  environmentsRoutes.deleteEnvironment,
  async ({ principal, params, query }) => {
    if (query.dry_run === 'true') {
      return { statusCode: 200, body: await planDelete(environmentDeps, principal, params.env_id) };
    }
    const { environment, operation } = await destroyEnvironment(environmentDeps, principal, params.env_id);
    return {
      statusCode: 202,
      body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
      headers: etag(environment),
    };
  },
);
