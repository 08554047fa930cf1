/** The `environments` function: every route of `routes/environments.ts`, dispatched by method and path. */

import { routeDispatcher } from '../../shared/route-dispatch.ts';
import { handler as createEnvironment } from '../create-environment.ts';
import { handler as deleteEnvironment } from '../delete-environment.ts';
import { handler as getEnvironment } from '../get-environment.ts';
import { handler as getManifest } from '../get-manifest.ts';
import { handler as listEnvironments } from '../list-environments.ts';
import { handler as putManifest } from '../put-manifest.ts';
import { environmentsRoutes } from '../routes/environments.ts';
import { handler as startEnvironment } from '../start-environment.ts';
import { handler as stopEnvironment } from '../stop-environment.ts';
import { handler as updateEnvironment } from '../update-environment.ts';

export const handler = routeDispatcher(environmentsRoutes, {
  createEnvironment,
  listEnvironments,
  getEnvironment,
  updateEnvironment,
  deleteEnvironment,
  stopEnvironment,
  startEnvironment,
  getManifest,
  putManifest,
});
