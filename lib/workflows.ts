/**
 * The Step Functions workflows: one Lambda function per step group of
 * `functions/steps/step-list.ts` (it serves every step of its state machines) and one
 * state machine per `statemachines/<name>.asl.json`, the ASL's `${…}` placeholders
 * substituted with the step functions' ARNs.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  STATE_MACHINES,
  STEP_GROUPS,
  type StateMachineDefinition,
  type StepGroup,
  stepPlaceholder,
} from '../functions/steps/step-list.ts';
import { acknowledgeIndexWildcard, acknowledgeInvokeVersionsWildcard } from './nag.ts';
import { pascalCase } from './names.ts';
import { NodeFunction } from './node-function.ts';
import { stateMachineFile, stepHandlerEntry } from './paths.ts';

/** Inputs of the workflows. */
export interface WorkflowsProps {
  /** The single table; every step reads and writes it. */
  readonly table: ITable;
  /** Multiplier of simulated durations (`SIMULATION_TIME_SCALE`). */
  readonly simulationTimeScale: number;
}

/** The step functions and the state machines that call them. */
export class Workflows extends Construct {
  /** Step functions by step group (`operation-steps`, `deployment-steps`). */
  readonly steps: ReadonlyMap<StepGroup, NodeFunction>;
  /** State machines by name (`provision-environment`, `destroy-environment`). */
  readonly stateMachines: ReadonlyMap<string, StateMachine>;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);

    const steps = new Map<StepGroup, NodeFunction>();
    for (const [group, groupSteps] of Object.entries(STEP_GROUPS) as [StepGroup, readonly string[]][]) {
      const fn = new NodeFunction(this, `${pascalCase(group)}Function`, {
        entry: stepHandlerEntry(group),
        description: `Step Functions tasks: ${groupSteps.join(', ')}`,
        // A step does a handful of conditional DynamoDB writes; 30 s leaves room for SDK retries.
        timeout: Duration.seconds(30),
        // No state machine ARNs here: the state machines depend on these functions.
        environment: {
          TABLE_NAME: props.table.tableName,
          SIMULATION_TIME_SCALE: String(props.simulationTimeScale),
        },
      });
      props.table.grantReadWriteData(fn);
      acknowledgeIndexWildcard(fn, props.table);
      steps.set(group, fn);
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
    steps: ReadonlyMap<StepGroup, NodeFunction>,
  ): StateMachine {
    const id = pascalCase(definition.name);
    const logGroup = new LogGroup(this, `${id}Logs`, {
      // The vendedlogs prefix keeps CloudWatch Logs' resource policy from growing per state machine.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${definition.name}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const stepFunction = requireStep(steps, definition.group);
    const substitutions = { [stepPlaceholder(definition.group)]: stepFunction.functionArn };

    const stateMachine = new StateMachine(this, `${id}StateMachine`, {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(stateMachineFile(definition.name)),
      definitionSubstitutions: substitutions,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });

    // The ASL file is opaque to CDK: the function it invokes needs an explicit grant.
    stepFunction.grantInvoke(stateMachine);
    acknowledgeInvokeVersionsWildcard(stateMachine.role, stepFunction);
    Validations.of(stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs log delivery (logs:CreateLogDelivery, …) and X-Ray (xray:PutTraceSegments, …) actions support no resource-level permissions',
    });
    return stateMachine;
  }
}

function requireStep(steps: ReadonlyMap<StepGroup, NodeFunction>, group: StepGroup): NodeFunction {
  const fn = steps.get(group);
  if (!fn) throw new Error(`No function for step group ${group}`);
  return fn;
}
