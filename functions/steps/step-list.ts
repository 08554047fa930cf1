/**
 * The Lambda steps the state machines call, and which ASL file uses which. The CDK
 * stack and the local Step Functions runner both derive from this list, so an ASL
 * placeholder can never point at a function that is not deployed.
 *
 * A step `plan-operation` lives in `functions/steps/plan-operation.ts` and is referred
 * to in ASL as `${PlanOperationFunctionArn}`.
 */
export const STEPS = [
  'plan-operation',
  'start-layer',
  'start-stack',
  'complete-stack',
  'fail-stack',
  'settle-operation',
  'finalize-operation',
  'fail-operation',
  'start-deployment',
  'deploy-batch',
  'check-deployment-health',
  'roll-back-deployment',
  'finish-deployment',
  'fail-deployment',
] as const;

export type StepName = (typeof STEPS)[number];

/** The steps that publish lifecycle events (they settle operations); only they may put to the bus. */
export const PUBLISHING_STEPS: readonly StepName[] = [
  'finalize-operation',
  'fail-operation',
  'finish-deployment',
  'fail-deployment',
];

/** The steps of an environment operation's walk. */
const OPERATION_STEPS: readonly StepName[] = [
  'plan-operation',
  'start-layer',
  'start-stack',
  'complete-stack',
  'fail-stack',
  'settle-operation',
  'finalize-operation',
  'fail-operation',
];

/** The steps of an application rollout. */
const DEPLOYMENT_STEPS: readonly StepName[] = [
  'start-deployment',
  'deploy-batch',
  'check-deployment-health',
  'roll-back-deployment',
  'finish-deployment',
  'fail-deployment',
];

export interface StateMachineDefinition {
  /** Basename of `statemachines/<name>.asl.json`; also the construct id stem. */
  name: string;
  /** The config variable the API reads the state machine ARN from. */
  arnVariable: 'PROVISION_STATE_MACHINE_ARN' | 'DESTROY_STATE_MACHINE_ARN' | 'DEPLOY_STATE_MACHINE_ARN';
  steps: readonly StepName[];
}

/**
 * Upward walks (provision, update, start; a failed or cancelled provision rolls back in
 * the same execution) run on `provision-environment`; downward walks (destroy, stop) on
 * `destroy-environment`; application rollouts on `deploy-release`.
 */
export const STATE_MACHINES: readonly StateMachineDefinition[] = [
  { name: 'provision-environment', arnVariable: 'PROVISION_STATE_MACHINE_ARN', steps: OPERATION_STEPS },
  { name: 'destroy-environment', arnVariable: 'DESTROY_STATE_MACHINE_ARN', steps: OPERATION_STEPS },
  { name: 'deploy-release', arnVariable: 'DEPLOY_STATE_MACHINE_ARN', steps: DEPLOYMENT_STEPS },
];

/** The state machines of environment operations (the API and the sweeper start these). */
export const OPERATION_STATE_MACHINES = STATE_MACHINES.filter((m) => m.name !== 'deploy-release');

/** `plan-operation` → `PlanOperationFunctionArn`, the ASL placeholder for that step. */
export function stepPlaceholder(step: StepName): string {
  const pascal = step
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${pascal}FunctionArn`;
}
