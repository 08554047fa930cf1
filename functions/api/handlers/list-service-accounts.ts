/** GET /projects/{project_id}/service-accounts */

import { serviceAccountDeps } from '../../app/dependencies.ts';
import { listServiceAccounts } from '../../domain/use-cases/service-accounts.ts';
import { httpRoute } from '../http/http.ts';
import { presentServiceAccount } from '../presenters.ts';
import { serviceAccountsRoutes } from '../routes/service-accounts.ts';

export const handler = httpRoute(
  serviceAccountsRoutes.listServiceAccounts,
  async ({ principal, params, query }) => {
    const page = await listServiceAccounts(serviceAccountDeps, principal, params.project_id, query);
    return {
      statusCode: 200,
      body: { items: page.items.map(presentServiceAccount), next_cursor: page.next_cursor },
    };
  },
);
