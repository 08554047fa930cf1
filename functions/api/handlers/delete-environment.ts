/** DELETE /environments/{env_id} — starts teardown, layers in reverse (202); `?dry_run=true` answers the plan (200). */

import { environmentDeps } from '../../app/dependencies.ts';
import { destroyEnvironment } from '../../domain/use-cases/environments.ts';
import { planDelete } from '../../domain/use-cases/plans.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { etag, presentEnvironment, presentOperation } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

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
