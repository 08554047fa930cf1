/** POST /projects/{project_id}/service-accounts — the secret is in this answer only. */

import { serviceAccountDeps } from '../../app/dependencies.ts';
import { createServiceAccount } from '../../domain/use-cases/service-accounts.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentServiceAccount } from '../presenters.ts';
import { serviceAccountsRoutes } from '../routes/service-accounts.ts';

export const handler = auditedRoute(
  serviceAccountsRoutes.createServiceAccount,
  async ({ principal, params, body }) => {
    const { account, secret } = await createServiceAccount(
      serviceAccountDeps,
      principal,
      params.project_id,
      body,
    );
    return { statusCode: 201, body: { ...presentServiceAccount(account), secret } };
  },
);
