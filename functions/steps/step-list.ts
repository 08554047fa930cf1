/**
 * The Lambda steps the state machines call, the functions that serve them, and which ASL
 * file uses which. The CDK stack and the local Step Functions runner both derive from
 * this list, so an ASL placeholder can never point at a function that is not deployed.
 *
 * Steps are grouped per state machine family (docs/decisions.md §28): one function serves
 * all the steps of a group. A step `plan-operation` lives in
 * `functions/steps/plan-operation.ts`; its group's entry point
 * (`functions/steps/operation-steps.ts`) dispatches to it on the task payload's `step`,
 * which the ASL sets: `"FunctionName": "${OperationStepsFunctionArn}", "Payload": {"step":
 * "plan-operation", "input.$": "$"}`.
 */
export const STEPS = [
  'await-approval',
  'expire-approval',
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

/** The steps of an environment operation's walk. */
export const OPERATION_STEPS = [
  'await-approval',
  'expire-approval',
  'plan-operation',
  'start-layer',
  'start-stack',
  'complete-stack',
  'fail-stack',
  'settle-operation',
  'finalize-operation',
  'fail-operation',
] as const satisfies readonly StepName[];

/** The steps of an application rollout. */
export const DEPLOYMENT_STEPS = [
  'start-deployment',
  'deploy-batch',
  'check-deployment-health',
  'roll-back-deployment',
  'finish-deployment',
  'fail-deployment',
] as const satisfies readonly StepName[];

/**
 * The step functions: each serves the steps of one family of state machines. The entry
 * point is `functions/steps/<group>.ts`; ASL refers to it as `${<Group>FunctionArn}`.
 */
export const STEP_GROUPS = {
  'operation-steps': OPERATION_STEPS,
  'deployment-steps': DEPLOYMENT_STEPS,
} as const satisfies Record<string, readonly StepName[]>;

export type StepGroup = keyof typeof STEP_GROUPS;

export const STEP_GROUP_NAMES = Object.keys(STEP_GROUPS) as StepGroup[];

/** The payload the ASL gives a step function: which step to run, and its input. */
export interface StepPayload {
  step: string;
  input: unknown;
}

export interface StateMachineDefinition {
  /** Basename of `statemachines/<name>.asl.json`; also the construct id stem. */
  name: string;
  /** The config variable the API reads the state machine ARN from. */
  arnVariable: 'PROVISION_STATE_MACHINE_ARN' | 'DESTROY_STATE_MACHINE_ARN' | 'DEPLOY_STATE_MACHINE_ARN';
  /** The function that serves its steps. */
  group: StepGroup;
  steps: readonly StepName[];
}

/**
 * Upward walks (provision, update, start; a failed or cancelled provision rolls back in
 * the same execution) run on `provision-environment`; downward walks (destroy, stop) on
 * `destroy-environment`; application rollouts on `deploy-release`.
 */
export const STATE_MACHINES: readonly StateMachineDefinition[] = [
  {
    name: 'provision-environment',
    arnVariable: 'PROVISION_STATE_MACHINE_ARN',
    group: 'operation-steps',
    steps: OPERATION_STEPS,
  },
  {
    name: 'destroy-environment',
    arnVariable: 'DESTROY_STATE_MACHINE_ARN',
    group: 'operation-steps',
    steps: OPERATION_STEPS,
  },
  {
    name: 'deploy-release',
    arnVariable: 'DEPLOY_STATE_MACHINE_ARN',
    group: 'deployment-steps',
    steps: DEPLOYMENT_STEPS,
  },
];

/** The state machines of environment operations (the API and the sweeper start these). */
export const OPERATION_STATE_MACHINES = STATE_MACHINES.filter((m) => m.name !== 'deploy-release');

/** `operation-steps` → `OperationStepsFunctionArn`, the ASL placeholder of that group's function. */
export function stepPlaceholder(group: StepGroup): string {
  const pascal = group
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${pascal}FunctionArn`;
}
