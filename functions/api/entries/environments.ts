/**
 * The `environments` function: every route of `routes/environments.ts`
 * (environments, and pull-request previews: docs/decisions.md §46), dispatched by method and path.
 */

import { handler as createEnvironment } from '../handlers/create-environment.ts';
import { handler as deleteEnvironment } from '../handlers/delete-environment.ts';
import { handler as getEnvironment } from '../handlers/get-environment.ts';
import { handler as getManifest } from '../handlers/get-manifest.ts';
import { handler as getPreviewSettings } from '../handlers/get-preview-settings.ts';
import { handler as listEnvironments } from '../handlers/list-environments.ts';
import { handler as listPreviews } from '../handlers/list-previews.ts';
import { handler as putManifest } from '../handlers/put-manifest.ts';
import { handler as putPreviewSettings } from '../handlers/put-preview-settings.ts';
import { handler as receiveGithubHook } from '../handlers/receive-github-hook.ts';
import { handler as rotatePreviewSecret } from '../handlers/rotate-preview-secret.ts';
import { handler as startEnvironment } from '../handlers/start-environment.ts';
import { handler as stopEnvironment } from '../handlers/stop-environment.ts';
import { handler as updateEnvironment } from '../handlers/update-environment.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { environmentsRoutes } from '../routes/environments.ts';

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
  getPreviewSettings,
  putPreviewSettings,
  rotatePreviewSecret,
  listPreviews,
  receiveGithubHook,
});
