/** POST /validate/dependencies */
import { validateDependencies } from '../domain/validation.ts';
import { httpRoute } from '../shared/http.ts';
import { routes } from './routes.ts';

export const handler = httpRoute(routes.validateDependencies, async ({ body }) => ({
  statusCode: 200,
  body: validateDependencies(body.stacks),
}));
