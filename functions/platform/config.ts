/**
 * Configuration, read from the environment once per concern and validated with zod.
 * Only endpoints and names come from here: nothing in `functions/` branches on where it
 * runs. Each concern is parsed lazily so a function only needs the variables it uses
 * (the auth functions have no table, the step functions no state machine ARNs).
 */
import * as z from './zod.ts';

const optionalUrl = z.optional(z.url());

const memo = <T>(read: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= read();
    return value;
  };
};

const parse = <T extends z.ZodMiniType>(schema: T, concern: string): z.infer<T> => {
  const result = schema.safeParse(process.env);
  if (!result.success) {
    const fields = result.error.issues.map((i) => i.path.join('.')).join(', ');
    // A deployment defect, not a caller's: fail loudly at cold start.
    throw new Error(`Invalid ${concern} configuration: ${fields}`);
  }
  return result.data;
};

/** The AWS region every client uses. */
export const regionConfig = memo(() =>
  parse(z.object({ AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1') }), 'region'),
);

/** DynamoDB: the table name, and an endpoint override (DynamoDB Local). */
export const tableConfig = memo(() =>
  parse(z.object({ TABLE_NAME: z.string().check(z.minLength(1)), DYNAMODB_ENDPOINT: optionalUrl }), 'table'),
);

/** Step Functions: an endpoint override (the local runner). */
export const sfnConfig = memo(() => parse(z.object({ SFN_ENDPOINT: optionalUrl }), 'Step Functions'));

/** The state machines of environment operations, which the API and the sweeper start. */
export const workflowConfig = memo(() =>
  parse(
    z.object({
      PROVISION_STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
      DESTROY_STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')),
    }),
    'workflow',
  ),
);

/** The state machine of application rollouts. */
export const deployConfig = memo(() =>
  parse(z.object({ DEPLOY_STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')) }), 'deploy'),
);

/** EventBridge: the bus lifecycle events go to, and an endpoint override (the local bus). */
export const eventsConfig = memo(() =>
  parse(
    z.object({ EVENT_BUS_NAME: z.string().check(z.minLength(1)), EVENTBRIDGE_ENDPOINT: optionalUrl }),
    'events',
  ),
);

/**
 * Outgoing webhooks (docs/decisions.md §45): `WEBHOOKS_ALLOW_LOOPBACK=true` (local mode's
 * handler environment only, for tests) lets a webhook target a loopback `http` URL.
 */
export const webhooksConfig = memo(() =>
  parse(
    z.object({
      WEBHOOKS_ALLOW_LOOPBACK: z._default(z.enum(['true', 'false']), 'false'),
      /** Multiplies the retry schedule (local mode sets its time scale; 1 in AWS). */
      WEBHOOK_RETRY_SCALE: z._default(z.coerce.number().check(z.gte(0), z.lte(1)), 1),
      /** How long the sender waits for an answer (15 s; a test's local mode may shorten it). */
      WEBHOOK_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.gt(0), z.lte(60)), 15),
    }),
    'webhooks',
  ),
);

/**
 * The webhook queue (docs/decisions.md §45): where the fan-out sends a message per (event,
 * webhook) and the sender sets its messages' visibility (retries), and an endpoint override
 * (local mode's in-process queue). Without a URL the fan-out is off.
 */
export const webhookQueueConfig = memo(() =>
  parse(z.object({ WEBHOOK_QUEUE_URL: optionalUrl, SQS_ENDPOINT: optionalUrl }), 'webhook queue'),
);

/** Cognito: the user pool (the service accounts' admin calls) and an endpoint override. */
export const userPoolConfig = memo(() =>
  parse(
    z.object({
      USER_POOL_ID: z.string().check(z.regex(/^[\w-]+_[0-9a-zA-Z]+$/)),
      COGNITO_ENDPOINT: optionalUrl,
    }),
    'user pool',
  ),
);

/**
 * Cognito: the pool and the app clients the auth routes proxy to — people's, and the service
 * accounts' (short-lived tokens, docs/decisions.md §44) — and an endpoint override.
 */
export const authConfig = memo(() =>
  parse(
    z.object({
      USER_POOL_ID: z.string().check(z.regex(/^[\w-]+_[0-9a-zA-Z]+$/)),
      USER_POOL_CLIENT_ID: z.string().check(z.minLength(1)),
      SERVICE_ACCOUNT_CLIENT_ID: z.string().check(z.minLength(1)),
      COGNITO_ENDPOINT: optionalUrl,
    }),
    'auth',
  ),
);

/** Simulation and product settings. */
export const simulationConfig = memo(() =>
  parse(
    z.object({
      /**
       * Multiplies every simulated duration. 1 is "real" time; local mode uses about 0.02
       * (a default environment in ~30 s); tests use 0 (no waits).
       */
      SIMULATION_TIME_SCALE: z._default(z.coerce.number().check(z.gte(0), z.lte(10)), 0.1),
      DEFAULT_ACCOUNT_ID: z._default(z.string().check(z.regex(/^\d{12}$/)), '111111111111'),
      DEFAULT_REGION: z._default(z.string(), 'us-east-1'),
      /** Domain under which environments get their fake `base_url`. */
      BASE_DOMAIN: z._default(z.string(), 'envs.example.dev'),
      DEFAULT_TTL_HOURS: z._default(z.coerce.number().check(z.int(), z.gte(1)), 24),
      MAX_TTL_HOURS: z._default(z.coerce.number().check(z.int(), z.gte(1)), 720),
      /** How long before expiry the sweeper emits `environment.expiring` (0: no warning). */
      EXPIRY_WARNING_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(10_080)), 30),
      /**
       * How long an operation of a protected environment waits for an approval before it ends
       * `expired` (the workflow's `TimeoutSecondsPath`): 7 days by default; Step Functions
       * allows a standard execution a year.
       */
      APPROVAL_TIMEOUT_SECONDS: z._default(
        z.coerce.number().check(z.int(), z.gte(1), z.lte(31_536_000)),
        604_800,
      ),
    }),
    'simulation',
  ),
);

/** HTTP settings. */
export const httpConfig = memo(() =>
  parse(
    z.object({
      MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.gte(1024)), 64 * 1024),
      /** Role of a signed-in user in no group: self-service by default (DESIGN.md §4). */
      DEFAULT_ROLE: z._default(z.enum(['Administrators', 'Developers', 'ReadOnly']), 'Developers'),
      API_VERSION: z._default(z.string(), '0.1.0'),
    }),
    'http',
  ),
);

/**
 * The web console's built files: a directory holding `index.html` and `assets/`. The CDK
 * stack copies them into the function's bundle (Lambda's task root), local mode points at
 * `console/dist` (docs/decisions.md §41).
 */
export const consoleConfig = memo(() =>
  parse(z.object({ CONSOLE_ASSETS_DIR: z.string().check(z.minLength(1)) }), 'console'),
);
