/** POST /validate/aws */
import { quotaStore } from '../../app/dependencies.ts';
import { validateAws } from '../../domain/validation.ts';
import { httpRoute } from '../http/http.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = httpRoute(catalogRoutes.validateAws, async ({ body }) => ({
  statusCode: 200,
  body: await validateAws(body, (accountId, region) => quotaStore.vpcUsage(accountId, region)),
}));
