/**
 * POST /projects/{project_id}/environments — records the environment and starts
 * provisioning (202); with `?dry_run=true`, answers the plan (200) and records nothing.
 */

import { environmentDeps } from '../../app/dependencies.ts';
import { createEnvironment } from '../../domain/use-cases/environments.ts';
import { planCreate } from '../../domain/use-cases/plans.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { etag, presentEnvironment, presentOperation } from '../presenters.ts';
import { environmentsRoutes } from '../routes/environments.ts';

export const handler = auditedRoute(
  environmentsRoutes.createEnvironment,
  async ({ principal, params, query, body }) => {
    if (query.dry_run === 'true') {
      const plan = await planCreate(environmentDeps, principal, params.project_id, body);
      return { statusCode: 200, body: plan };
    }
    const { environment, operation } = await createEnvironment(
      environmentDeps,
      principal,
      params.project_id,
      body,
    );
    return {
      statusCode: 202,
      body: { ...presentEnvironment(environment), operation: presentOperation(operation) },
      headers: { ...etag(environment), location: `/v1/environments/${environment.id}` },
    };
  },
);
