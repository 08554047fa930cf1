/**
 * The Step Functions workflows: one Lambda per step of `functions/steps/step-list.ts`
 * and one state machine per `statemachines/<name>.asl.json`, the ASL's `${…}`
 * placeholders substituted with the step functions' ARNs.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  PUBLISHING_STEPS,
  STATE_MACHINES,
  STEPS,
  type StateMachineDefinition,
  type StepName,
  stepPlaceholder,
} from '../functions/steps/step-list.ts';
import { acknowledgeIndexWildcard, acknowledgeInvokeVersionsWildcard } from './nag.ts';
import { pascalCase } from './names.ts';
import { NodeFunction } from './node-function.ts';
import type { Notifications } from './notifications.ts';
import { stateMachineFile, stepHandlerEntry } from './paths.ts';

/** Inputs of the workflows. */
export interface WorkflowsProps {
  /** The single table; every step reads and writes it. */
  readonly table: ITable;
  /** Multiplier of simulated durations (`SIMULATION_TIME_SCALE`). */
  readonly simulationTimeScale: number;
  /** The lifecycle event bus the settling steps publish to. */
  readonly notifications: Notifications;
}

/** The step functions and the state machines that call them. */
export class Workflows extends Construct {
  /** Step functions by step name. */
  readonly steps: ReadonlyMap<StepName, NodeFunction>;
  /** State machines by name (`provision-environment`, `destroy-environment`). */
  readonly stateMachines: ReadonlyMap<string, StateMachine>;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);

    const steps = new Map<StepName, NodeFunction>();
    for (const step of STEPS) {
      const publishes = PUBLISHING_STEPS.includes(step);
      const fn = new NodeFunction(this, `${pascalCase(step)}Function`, {
        entry: stepHandlerEntry(step),
        description: `Step Functions task: ${step}`,
        // A step does a handful of conditional DynamoDB writes; 30 s leaves room for SDK retries.
        timeout: Duration.seconds(30),
        // No state machine ARNs here: the state machines depend on these functions.
        environment: {
          TABLE_NAME: props.table.tableName,
          SIMULATION_TIME_SCALE: String(props.simulationTimeScale),
          ...(publishes ? { EVENT_BUS_NAME: props.notifications.bus.eventBusName } : {}),
        },
      });
      props.table.grantReadWriteData(fn);
      if (publishes) props.notifications.grantPublish(fn);
      acknowledgeIndexWildcard(fn, props.table);
      steps.set(step, fn);
    }
    this.steps = steps;

    const stateMachines = new Map<string, StateMachine>();
    for (const definition of STATE_MACHINES) {
      stateMachines.set(definition.name, this.createStateMachine(definition, steps));
    }
    this.stateMachines = stateMachines;
  }

  private createStateMachine(
    definition: StateMachineDefinition,
    steps: ReadonlyMap<StepName, NodeFunction>,
  ): StateMachine {
    const id = pascalCase(definition.name);
    const logGroup = new LogGroup(this, `${id}Logs`, {
      // The vendedlogs prefix keeps CloudWatch Logs' resource policy from growing per state machine.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${definition.name}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const substitutions: Record<string, string> = {};
    for (const step of definition.steps) {
      substitutions[stepPlaceholder(step)] = requireStep(steps, step).functionArn;
    }

    const stateMachine = new StateMachine(this, `${id}StateMachine`, {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(stateMachineFile(definition.name)),
      definitionSubstitutions: substitutions,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });

    // The ASL file is opaque to CDK: every function it invokes needs an explicit grant.
    for (const step of definition.steps) {
      const fn = requireStep(steps, step);
      fn.grantInvoke(stateMachine);
      acknowledgeInvokeVersionsWildcard(stateMachine.role, fn);
    }
    Validations.of(stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs log delivery (logs:CreateLogDelivery, …) and X-Ray (xray:PutTraceSegments, …) actions support no resource-level permissions',
    });
    return stateMachine;
  }
}

function requireStep(steps: ReadonlyMap<StepName, NodeFunction>, step: StepName): NodeFunction {
  const fn = steps.get(step);
  if (!fn) throw new Error(`No function for step ${step}`);
  return fn;
}
