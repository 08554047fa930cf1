/** GET /projects/{project_id}/service-accounts/{sa_id} */

import { serviceAccountDeps } from '../../app/dependencies.ts';
import { getServiceAccount } from '../../domain/use-cases/service-accounts.ts';
import { httpRoute } from '../http/http.ts';
import { presentServiceAccount } from '../presenters.ts';
import { serviceAccountsRoutes } from '../routes/service-accounts.ts';

export const handler = httpRoute(serviceAccountsRoutes.getServiceAccount, async ({ principal, params }) => {
  const account = await getServiceAccount(serviceAccountDeps, principal, params.project_id, params.sa_id);
  return { statusCode: 200, body: presentServiceAccount(account) };
});
