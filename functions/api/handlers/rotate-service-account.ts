/** POST /projects/{project_id}/service-accounts/{sa_id}/rotate — a new secret, in this answer only. */

import { serviceAccountDeps } from '../../app/dependencies.ts';
import { rotateServiceAccount } from '../../domain/use-cases/service-accounts.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { presentServiceAccount } from '../presenters.ts';
import { serviceAccountsRoutes } from '../routes/service-accounts.ts';

export const handler = auditedRoute(
  serviceAccountsRoutes.rotateServiceAccount,
  async ({ principal, params }) => {
    const { account, secret } = await rotateServiceAccount(
      serviceAccountDeps,
      principal,
      params.project_id,
      params.sa_id,
    );
    return { statusCode: 200, body: { ...presentServiceAccount(account), secret } };
  },
);
