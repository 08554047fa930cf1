/**
 * PATCH /environments/{env_id} — new parameters (honours If-Match: <version>). 202 with
 * the update operation when stacks must be re-provisioned; 200 when no stack input changed;
 * 200 with the plan, changing nothing, with `?dry_run=true`.
 */

import { environmentDeps } from '../../app/dependencies.ts';
import { updateEnvironment } from '../../domain/use-cases/operations.ts';
import { planUpdate } from '../../domain/use-cases/plans.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { parseIfMatch } from '../http/http.ts';
import { etag, presentEnvironmentChange } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = auditedRoute(
  environmentsRoutes.updateEnvironment,
  async ({ principal, params, query, body, headers }) => {
    if (query.dry_run === 'true') {
      const plan = await planUpdate(environmentDeps, principal, params.env_id, body, parseIfMatch(headers));
      return { statusCode: 200, body: plan };
    }
    const { environment, operation } = await updateEnvironment(
      environmentDeps,
      principal,
      params.env_id,
      body,
      parseIfMatch(headers),
    );
    return {
      statusCode: operation ? 202 : 200,
      body: presentEnvironmentChange(environment, operation),
      headers: etag(environment),
    };
  },
);
