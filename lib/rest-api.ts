/**
 * The REST API (stage `v1`), built entirely from the route table
 * (`functions/api/routes.ts`): one proxy method per route, with the Cognito authorizer on
 * every route that is not public, and one Lambda function per route group (its entry point
 * dispatches on the method and path). A group's function gets the environment and the
 * grants of the union of its routes' `needs`, nothing more, and one permission for the API.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  ResponseTransferMode,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RouteDefinition, RouteNeeds } from '../functions/api/route-types.ts';
import { routeList } from '../functions/api/routes.ts';
import { OPERATION_STATE_MACHINES, STATE_MACHINES } from '../functions/steps/step-list.ts';
import { acknowledgeIndexWildcard } from './nag.ts';
import { pascalCase } from './names.ts';
import { NodeFunction } from './node-function.ts';
import { apiGroupEntry, repoPath } from './paths.ts';

/** Where the console's files sit in its function's bundle (below Lambda's task root). */
const CONSOLE_BUNDLE_DIR = 'console';

/** The stage name: the API's version in the base URL. */
export const STAGE_NAME = 'v1';

/** Inputs of the API. */
export interface RestApiProps {
  /** The single table (for `needs.table`). */
  readonly table: ITable;
  /** The pool the authorizer trusts; its id goes to `needs.cognito` routes. */
  readonly userPool: IUserPool;
  /** The app client the auth routes use. */
  readonly userPoolClient: IUserPoolClient;
  /** The service accounts' app client (`/auth/login` picks it for their usernames). */
  readonly serviceAccountClient: IUserPoolClient;
  /** State machines by name (`STATE_MACHINES[].name`). */
  readonly stateMachines: ReadonlyMap<string, IStateMachine>;
  /** The routes to serve. @default the route table */
  readonly routes?: readonly RouteDefinition[];
  /** `APPROVAL_TIMEOUT_SECONDS` of the functions that start operations. @default their own (7 days) */
  readonly approvalTimeoutSeconds?: number;
}

/** One route as deployed: its method and its function. */
export interface DeployedRoute {
  /** The route table entry. */
  readonly route: RouteDefinition;
  /** Its API Gateway method. */
  readonly method: Method;
  /** The function serving it. */
  readonly function: NodeFunction;
}

/**
 * The error body API Gateway itself answers with (no token, throttled, unknown path…),
 * in the product's error shape. Gateway response templates only substitute variables
 * (no VTL), so `timestamp` is the request's epoch milliseconds, as a string.
 */
function errorTemplate(errorCode: string, detail?: string): string {
  return [
    '{',
    `"detail":${detail === undefined ? '$context.error.messageString' : JSON.stringify(detail)},`,
    `"error_code":"${errorCode}",`,
    '"request_id":"$context.requestId",',
    '"timestamp":"$context.requestTimeEpoch"',
    '}',
  ].join('');
}

/** API Gateway's own errors, mapped to the contract's statuses and codes (DESIGN.md §4). */
const GATEWAY_RESPONSES: readonly {
  type: ResponseType;
  statusCode?: string;
  errorCode: string;
  detail?: string;
}[] = [
  // The same text the local gateway gives: API Gateway does not say which check failed.
  {
    type: ResponseType.UNAUTHORIZED,
    statusCode: '401',
    errorCode: 'UNAUTHORIZED',
    detail: 'Missing or invalid credentials',
  },
  { type: ResponseType.ACCESS_DENIED, statusCode: '403', errorCode: 'FORBIDDEN' },
  // API Gateway answers a path or method it does not know with this type.
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: '404',
    errorCode: 'NOT_FOUND',
    detail: 'Route not found: $context.httpMethod $context.path',
  },
  { type: ResponseType.THROTTLED, statusCode: '429', errorCode: 'THROTTLED' },
  { type: ResponseType.REQUEST_TOO_LARGE, statusCode: '413', errorCode: 'PAYLOAD_TOO_LARGE' },
  // The status is kept; the code names what API Gateway saw (e.g. "UNSUPPORTED_MEDIA_TYPE").
  { type: ResponseType.DEFAULT_4XX, errorCode: '$context.error.responseType' },
  { type: ResponseType.INTEGRATION_TIMEOUT, statusCode: '504', errorCode: 'INTERNAL_ERROR' },
  { type: ResponseType.DEFAULT_5XX, errorCode: 'INTERNAL_ERROR' },
];

/** The REST API and one function per route group. */
export class ProvisioningRestApi extends Construct {
  /** The REST API, deployed to stage {@link STAGE_NAME}. */
  readonly api: RestApi;
  /** The Cognito user pools authorizer of every non-public method. */
  readonly authorizer: CognitoUserPoolsAuthorizer;
  /** Every route with its method and function, in route table order. */
  readonly routes: readonly DeployedRoute[];
  /** The function of each route group. */
  readonly functions: ReadonlyMap<string, NodeFunction>;

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'Cloud Environment Provisioning API (simulated)',
      endpointTypes: [EndpointType.REGIONAL],
      // Access and execution logs need API Gateway's account-level CloudWatch role.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE_NAME,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            ip: AccessLogField.contextIdentitySourceIp(),
            userAgent: AccessLogField.contextIdentityUserAgent(),
            user: AccessLogField.contextAuthorizerClaims('sub'),
            httpMethod: AccessLogField.contextHttpMethod(),
            resourcePath: AccessLogField.contextResourcePath(),
            path: AccessLogField.contextPath(),
            status: AccessLogField.contextStatus(),
            protocol: AccessLogField.contextProtocol(),
            responseLength: AccessLogField.contextResponseLength(),
            responseLatency: AccessLogField.contextResponseLatency(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            errorType: AccessLogField.contextErrorResponseType(),
            xrayTraceId: AccessLogField.contextXrayTraceId(),
          }),
        ),
      },
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Every handler validates its body, path and query parameters with strict zod schemas and answers 422 in the contract’s error shape; an API Gateway validator would answer in its own shape',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'Sandbox API of a simulation (no real resources are provisioned): stage throttling (50 rps, burst 100) and the Cognito authorizer bound abuse; a WAF web ACL is left to real deployments',
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'API Gateway’s account-level logging role: the AWS managed policy only allows writing API Gateway’s own CloudWatch log groups and streams',
      });
    }

    for (const response of GATEWAY_RESPONSES) {
      this.api.addGatewayResponse(pascalCase(response.type.responseType), {
        type: response.type,
        ...(response.statusCode === undefined ? {} : { statusCode: response.statusCode }),
        templates: { 'application/json': errorTemplate(response.errorCode, response.detail) },
      });
    }

    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: 'method.request.header.Authorization',
    });

    const routes = props.routes ?? routeList;
    const functions = new Map<string, NodeFunction>();
    for (const [group, members] of groupRoutes(routes)) {
      const needs = unionOfNeeds(members);
      const fn = new NodeFunction(this, `${pascalCase(group)}Function`, {
        entry: apiGroupEntry(group),
        description: `API routes (${group}): ${members.map((r) => r.operationId).join(', ')}`.slice(0, 256),
        environment: environmentFor(needs, props),
        // The web console's built files travel in the function's own asset (§41).
        ...(needs.consoleAssets
          ? { bundledDirectories: [{ source: repoPath('console', 'dist'), target: CONSOLE_BUNDLE_DIR }] }
          : {}),
        // A streaming function (§37) holds a run's stream open up to ~14 minutes, then asks the
        // client to reconnect: Lambda's and a streamed integration's limit is 15.
        ...(members.some((r) => r.streaming) ? { timeout: Duration.minutes(15) } : {}),
      });
      grantNeeds(fn, needs, props);
      functions.set(group, fn);
    }
    this.functions = functions;
    this.routes = routes.map((route) => this.addRoute(route, requireFunction(functions, route.group)));
  }

  private addRoute(route: RouteDefinition, fn: NodeFunction): DeployedRoute {
    const resource = resourceFor(this.api.root, route.path);
    const isPublic = route.access === 'public';
    const method = resource.addMethod(
      route.method,
      // Proxy integration. One permission per function, for the whole API (not one per method):
      // the function serves only its group's routes, and the stack stays within its resource budget.
      new LambdaIntegration(fn, {
        proxy: true,
        scopePermissionToMethod: false,
        // A streaming route (§37) sends its answer as the function writes it (Server-Sent Events).
        ...(route.streaming
          ? { responseTransferMode: ResponseTransferMode.STREAM, timeout: Duration.minutes(15) }
          : {}),
      }),
      isPublic
        ? { operationName: route.operationId, authorizationType: AuthorizationType.NONE }
        : {
            operationName: route.operationId,
            authorizationType: AuthorizationType.COGNITO,
            authorizer: this.authorizer,
          },
    );
    if (isPublic) {
      const reason = route.path.startsWith('/hooks/')
        ? `${route.method} ${route.path} is public by design (docs/decisions.md §46): a Git host calls it without a token, and each delivery is authenticated by its HMAC signature with the project's secret`
        : `${route.method} ${route.path} is public by design (DESIGN.md §4): it is how a caller without a token gets one, or learns about the API`;
      Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
    }
    return { route, method, function: fn };
  }
}

/** `/projects/{project_id}` → the resource, created part by part as needed. */
function resourceFor(root: IResource, path: string): IResource {
  let resource = root;
  for (const part of path.split('/').filter((p) => p.length > 0)) {
    resource = resource.getResource(part) ?? resource.addResource(part);
  }
  return resource;
}

/** The routes of each group, in route table order. */
function groupRoutes(routes: readonly RouteDefinition[]): Map<string, RouteDefinition[]> {
  const groups = new Map<string, RouteDefinition[]>();
  for (const route of routes) groups.set(route.group, [...(groups.get(route.group) ?? []), route]);
  return groups;
}

/**
 * What a group's function needs: everything any of its routes needs (write access wins over
 * read). An idempotent route writes its `Idempotency-Key` records to the table, whatever it declares.
 */
export function unionOfNeeds(routes: readonly RouteDefinition[]): RouteNeeds {
  const tables = routes
    .map((r) => (r.idempotent ? 'readwrite' : r.needs?.table))
    .filter((t) => t !== undefined);
  const workflows = [...new Set(routes.flatMap((r) => r.needs?.startsWorkflows ?? []))].sort();
  return {
    ...(tables.length > 0 ? { table: tables.includes('readwrite') ? 'readwrite' : 'read' } : {}),
    ...(workflows.length > 0 ? { startsWorkflows: workflows } : {}),
    ...(routes.some((r) => r.needs?.answersWorkflowTasks) ? { answersWorkflowTasks: true } : {}),
    ...(routes.some((r) => r.needs?.cognito) ? { cognito: true } : {}),
    ...(routes.some((r) => r.needs?.cognitoAdmin) ? { cognitoAdmin: true } : {}),
    ...(routes.some((r) => r.needs?.consoleAssets) ? { consoleAssets: true } : {}),
  };
}

function requireFunction(functions: ReadonlyMap<string, NodeFunction>, group: string): NodeFunction {
  const fn = functions.get(group);
  if (!fn) throw new Error(`No function for route group ${group}`);
  return fn;
}

/** Only the variables the group's function reads (names from `functions/platform/config.ts`). */
function environmentFor(needs: RouteNeeds, props: RestApiProps): Record<string, string> {
  const env: Record<string, string> = {};
  if (needs.table) env.TABLE_NAME = props.table.tableName;
  const starts = needs.startsWorkflows ?? [];
  if (starts.some((name) => OPERATION_STATE_MACHINES.some((m) => m.name === name))) {
    // The workflow config validates both operation ARNs together; the grants below stay per state machine.
    for (const definition of OPERATION_STATE_MACHINES) {
      env[definition.arnVariable] = requireStateMachine(props, definition.name).stateMachineArn;
    }
    // It starts operations: one of a protected environment waits this long for an approval.
    if (props.approvalTimeoutSeconds !== undefined) {
      env.APPROVAL_TIMEOUT_SECONDS = String(props.approvalTimeoutSeconds);
    }
  }
  for (const definition of STATE_MACHINES.filter((m) => starts.includes(m.name as never))) {
    env[definition.arnVariable] = requireStateMachine(props, definition.name).stateMachineArn;
  }
  // Lambda unpacks the bundle in its task root, /var/task.
  if (needs.consoleAssets) env.CONSOLE_ASSETS_DIR = `/var/task/${CONSOLE_BUNDLE_DIR}`;
  if (needs.cognito || needs.cognitoAdmin) env.USER_POOL_ID = props.userPool.userPoolId;
  if (needs.cognito) {
    env.USER_POOL_CLIENT_ID = props.userPoolClient.userPoolClientId;
    env.SERVICE_ACCOUNT_CLIENT_ID = props.serviceAccountClient.userPoolClientId;
  }
  return env;
}

/**
 * Least privilege from `needs`: read routes can only read the table, a route starts only
 * the workflows it names. The auth routes need no IAM: SignUp, ConfirmSignUp and
 * InitiateAuth are unauthenticated Cognito APIs.
 */
function grantNeeds(fn: NodeFunction, needs: RouteNeeds, props: RestApiProps): void {
  if (needs.table === 'read') props.table.grantReadData(fn);
  if (needs.table === 'readwrite') props.table.grantReadWriteData(fn);
  if (needs.table) acknowledgeIndexWildcard(fn, props.table);
  for (const name of needs.startsWorkflows ?? []) {
    requireStateMachine(props, name).grantStartExecution(fn);
  }
  if (needs.answersWorkflowTasks) {
    // SendTaskSuccess/Failure/Heartbeat on the operation workflows (the approval's waiting task).
    for (const definition of OPERATION_STATE_MACHINES) {
      requireStateMachine(props, definition.name).grantTaskResponse(fn);
    }
  }
  if (needs.cognitoAdmin) props.userPool.grant(fn, ...COGNITO_ADMIN_ACTIONS);
}

/** The admin calls that create, rotate and delete service accounts, on the user pool only (§44). */
export const COGNITO_ADMIN_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:AdminDeleteUser',
] as const;

function requireStateMachine(props: RestApiProps, name: string): IStateMachine {
  const stateMachine = props.stateMachines.get(name);
  if (!stateMachine) throw new Error(`No state machine named ${name}`);
  return stateMachine;
}
