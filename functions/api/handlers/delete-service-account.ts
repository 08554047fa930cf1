/** DELETE /projects/{project_id}/service-accounts/{sa_id} — disabled, signed out, deleted. */

import { serviceAccountDeps } from '../../app/dependencies.ts';
import { deleteServiceAccount } from '../../domain/use-cases/service-accounts.ts';
import { auditedRoute } from '../http/audited-route.ts';
import { serviceAccountsRoutes } from '../routes/service-accounts.ts';

export const handler = auditedRoute(
  serviceAccountsRoutes.deleteServiceAccount,
  async ({ principal, params }) => {
    await deleteServiceAccount(serviceAccountDeps, principal, params.project_id, params.sa_id);
    return { statusCode: 204 };
  },
);
