/**
 * The function behind every step of `provision-environment` and `destroy-environment`
 * (an environment operation's walk); the ASL names the step in the payload.
 */
import { handler as awaitApproval } from './await-approval.ts';
import { handler as completeStack } from './complete-stack.ts';
import { stepDispatcher } from './dispatch.ts';
import { handler as expireApproval } from './expire-approval.ts';
import { handler as failOperation } from './fail-operation.ts';
import { handler as failStack } from './fail-stack.ts';
import { handler as finalizeOperation } from './finalize-operation.ts';
import { handler as planOperation } from './plan-operation.ts';
import { handler as settleOperation } from './settle-operation.ts';
import { handler as startLayer } from './start-layer.ts';
import { handler as startStack } from './start-stack.ts';
import type { OPERATION_STEPS } from './step-list.ts';

export const handler = stepDispatcher<(typeof OPERATION_STEPS)[number]>('operation-steps', {
  'await-approval': awaitApproval,
  'expire-approval': expireApproval,
  'plan-operation': planOperation,
  'start-layer': startLayer,
  'start-stack': startStack,
  'complete-stack': completeStack,
  'fail-stack': failStack,
  'settle-operation': settleOperation,
  'finalize-operation': finalizeOperation,
  'fail-operation': failOperation,
});
