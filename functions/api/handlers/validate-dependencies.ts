/** POST /validate/dependencies */
import { dependencyGraphOf, validateDependencies } from '../../domain/validation/validate-dependencies.ts';
import { httpRoute } from '../http/http.ts';
import { catalogRoutes } from '../routes/catalog.ts';

export const handler = httpRoute(catalogRoutes.validateDependencies, async ({ body }) => ({
  statusCode: 200,
  body: validateDependencies(dependencyGraphOf(body.stacks)),
}));
