/**
 * The stateless stack: everything but the table. It can be destroyed and redeployed
 * at will; the data lives in the stateful stack.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import { Auth } from './auth.ts';
import { EventPublisher } from './event-publisher.ts';
import { pascalCase } from './names.ts';
import { Notifications } from './notifications.ts';
import { ExecutionReconciler } from './reconciler.ts';
import { ProvisioningRestApi } from './rest-api.ts';
import { EnvironmentSweeper } from './sweeper.ts';
import { WebhookSender } from './webhook-sender.ts';
import { Workflows } from './workflows.ts';

/** Default `SIMULATION_TIME_SCALE` in AWS: a `default` environment takes a few minutes. */
export const DEFAULT_SIMULATION_TIME_SCALE = 0.1;

/** Inputs of the stateless stack. */
export interface ApiStackProps extends StackProps {
  /** The table of the stateful stack. */
  readonly table: ITable;
  /**
   * Multiplier of simulated durations.
   * @default the `simulationTimeScale` context value, else {@link DEFAULT_SIMULATION_TIME_SCALE}
   */
  readonly simulationTimeScale?: number;
  /** The routes to serve. @default the route table (`functions/api/routes.ts`) */
  readonly routes?: readonly RouteDefinition[];
  /**
   * How long an operation of a protected environment waits for an approval
   * (`APPROVAL_TIMEOUT_SECONDS` of the functions that start operations).
   * @default the `approvalTimeoutSeconds` context value, else the functions' own 7 days
   */
  readonly approvalTimeoutSeconds?: number;
}

/** User pool, REST API, API functions, step functions, state machines, their reconciler and the TTL sweeper. */
export class ApiStack extends Stack {
  /** User pool, groups and app client. */
  readonly auth: Auth;
  /** Step functions and state machines. */
  readonly workflows: Workflows;
  /** The REST API and its route functions. */
  readonly restApi: ProvisioningRestApi;
  /** Settles the records of executions that failed, timed out or were aborted. */
  readonly reconciler: ExecutionReconciler;
  /** Tears down expired ephemeral environments, every minute. */
  readonly sweeper: EnvironmentSweeper;
  /** The lifecycle event bus and the notification topic. */
  readonly notifications: Notifications;
  /** Publishes the lifecycle events recorded in the table, from its stream. */
  readonly eventPublisher: EventPublisher;
  readonly webhookSender: WebhookSender;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    this.auth = new Auth(this, 'Auth');
    const simulationTimeScale = props.simulationTimeScale ?? simulationTimeScaleFromContext(this);
    const approvalTimeoutSeconds = props.approvalTimeoutSeconds ?? approvalTimeoutFromContext(this);
    const approvals = approvalTimeoutSeconds === undefined ? {} : { approvalTimeoutSeconds };
    this.notifications = new Notifications(this, 'Notifications');
    const notifications = this.notifications;
    this.eventPublisher = new EventPublisher(this, 'EventPublisher', { table: props.table, notifications });
    this.webhookSender = new WebhookSender(this, 'WebhookSender', {
      table: props.table,
      publisher: this.eventPublisher,
    });
    this.workflows = new Workflows(this, 'Workflows', {
      table: props.table,
      simulationTimeScale,
    });
    this.eventPublisher.actOnPreviews(props.table, this.workflows.stateMachines);
    this.reconciler = new ExecutionReconciler(this, 'Reconciler', {
      table: props.table,
      stateMachines: this.workflows.stateMachines.values(),
    });
    this.sweeper = new EnvironmentSweeper(this, 'Sweeper', {
      table: props.table,
      stateMachines: this.workflows.stateMachines,
      simulationTimeScale,
      ...approvals,
    });
    this.restApi = new ProvisioningRestApi(this, 'Http', {
      table: props.table,
      userPool: this.auth.userPool,
      userPoolClient: this.auth.userPoolClient,
      serviceAccountClient: this.auth.serviceAccountClient,
      stateMachines: this.workflows.stateMachines,
      ...(props.routes ? { routes: props.routes } : {}),
      ...approvals,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.restApi.api.url, description: 'Base URL (stage v1)' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ServiceAccountClientId', { value: this.auth.serviceAccountClient.userPoolClientId });
    new CfnOutput(this, 'EventBusName', { value: notifications.bus.eventBusName });
    new CfnOutput(this, 'NotificationTopicArn', { value: notifications.topic.topicArn });
    for (const [name, stateMachine] of this.workflows.stateMachines) {
      new CfnOutput(this, `${pascalCase(name)}StateMachineArn`, {
        value: stateMachine.stateMachineArn,
      });
    }
  }
}

/** `cdk synth -c simulationTimeScale=0.5` overrides the default; it must be a number in [0, 10]. */
function simulationTimeScaleFromContext(scope: Construct): number {
  const raw: unknown = scope.node.tryGetContext('simulationTimeScale');
  if (raw === undefined) return DEFAULT_SIMULATION_TIME_SCALE;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 10) {
    throw new Error(`Context simulationTimeScale must be a number between 0 and 10, got ${String(raw)}`);
  }
  return value;
}

/**
 * `cdk deploy -c approvalTimeoutSeconds=86400`: how long approvals wait, 1 s to a year (Step
 * Functions' longest standard execution); unset, the functions' default (7 days) applies.
 */
function approvalTimeoutFromContext(scope: Construct): number | undefined {
  const raw: unknown = scope.node.tryGetContext('approvalTimeoutSeconds');
  if (raw === undefined) return undefined;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 31_536_000) {
    throw new Error(
      `Context approvalTimeoutSeconds must be a whole number of seconds between 1 and 31536000, got ${String(raw)}`,
    );
  }
  return value;
}
