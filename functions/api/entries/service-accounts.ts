/** The `service-accounts` function: every route of `routes/service-accounts.ts`, dispatched by method and path. */

import { handler as createServiceAccount } from '../handlers/create-service-account.ts';
import { handler as deleteServiceAccount } from '../handlers/delete-service-account.ts';
import { handler as getServiceAccount } from '../handlers/get-service-account.ts';
import { handler as listServiceAccounts } from '../handlers/list-service-accounts.ts';
import { handler as rotateServiceAccount } from '../handlers/rotate-service-account.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { serviceAccountsRoutes } from '../routes/service-accounts.ts';

export const handler = routeDispatcher(serviceAccountsRoutes, {
  createServiceAccount,
  listServiceAccounts,
  getServiceAccount,
  rotateServiceAccount,
  deleteServiceAccount,
});
