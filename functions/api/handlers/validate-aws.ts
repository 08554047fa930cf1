/** POST /validate/aws */
import { catalogDeps } from '../../app/dependencies.ts';
import { checkAwsTarget } from '../../domain/use-cases/catalog.ts';
import { httpRoute } from '../http/http.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = httpRoute(catalogRoutes.validateAws, async ({ body }) => ({
  statusCode: 200,
  body: await checkAwsTarget(catalogDeps, body),
}));
