/** POST /validate/aws */
import { getVpcUsage } from '../../data/quota-store.ts';
import { validateAws } from '../../domain/validation.ts';
import { httpRoute } from '../http/http.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = httpRoute(catalogRoutes.validateAws, async ({ body }) => ({
  statusCode: 200,
  body: await validateAws(body, getVpcUsage),
}));
