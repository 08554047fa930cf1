/** The function behind every step of `deploy-release` (an application rollout); the ASL names the step in the payload. */
import { handler as checkDeploymentHealth } from './check-deployment-health.ts';
import { handler as deployBatch } from './deploy-batch.ts';
import { stepDispatcher } from './dispatch.ts';
import { handler as failDeployment } from './fail-deployment.ts';
import { handler as finishDeployment } from './finish-deployment.ts';
import { handler as rollBackDeployment } from './roll-back-deployment.ts';
import { handler as startDeployment } from './start-deployment.ts';
import type { DEPLOYMENT_STEPS } from './step-list.ts';

export const handler = stepDispatcher<(typeof DEPLOYMENT_STEPS)[number]>('deployment-steps', {
  'start-deployment': startDeployment,
  'deploy-batch': deployBatch,
  'check-deployment-health': checkDeploymentHealth,
  'roll-back-deployment': rollBackDeployment,
  'finish-deployment': finishDeployment,
  'fail-deployment': failDeployment,
});
