/**
 * PUT /environments/{env_id}/manifest — replaces the parameters (If-Match honoured): 202
 * with the update operation, 200 when no stack input changed, 200 with the plan when
 * `?dry_run=true`.
 */

import { environmentDeps } from '../../app/dependencies.ts';
import { planManifest, putManifest } from '../../domain/use-cases/manifest.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { parseIfMatch } from '../http/http.ts';
import { etag, presentEnvironmentChange } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = auditedRoute(
  environmentsRoutes.putManifest,
  async ({ principal, params, query, body, headers }) => {
    if (query.dry_run === 'true') {
      return {
        statusCode: 200,
        body: await planManifest(environmentDeps, principal, params.env_id, body, parseIfMatch(headers)),
      };
    }
    const { environment, operation } = await putManifest(
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
