/**
 * Amazon Cognito user pools, locally: `cognito-local`'s services and targets run
 * in-process behind a small AWS JSON 1.1 endpoint, with data under a directory of our
 * choosing (its own `createDefaultServer` insists on `./.cognito` and port 9229).
 *
 * Seeded idempotently on every start (a restart keeps users and the client id):
 * - a user pool whose id has the real `<region>_<id>` format, so `CognitoJwtVerifier`
 *   accepts it, with the CDK pool's password policy and email as the username;
 * - tokens issued as `https://cognito-idp.<region>.amazonaws.com/<pool id>`, the issuer
 *   AWS uses, so the production verifier checks them unchanged;
 * - an app client allowing USER_PASSWORD_AUTH and refresh; the three groups; one
 *   confirmed user per group (see {@link SEED_USERS}).
 *
 * Where cognito-local differs from Cognito in a way the product can see, the stand-in is
 * fixed here rather than in `functions/`: signups are auto-confirmed by a PreSignUp
 * trigger served in-process, the pool's password policy is enforced, the client's allowed
 * auth flows are enforced, failed logins answer NotAuthorizedException like Cognito, and
 * AuthenticationResult carries ExpiresIn and TokenType.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { Config } from 'cognito-local/lib/server/config.js';
import type { Route } from 'cognito-local/lib/server/Router.js';
import type { AppClient } from 'cognito-local/lib/services/appClient.js';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService.js';
import type { Context as CognitoContext } from 'cognito-local/lib/services/context.js';
import type { Services } from 'cognito-local/lib/services/index.js';
import type { LogService } from 'cognito-local/lib/services/LogService.js';
import type { Lambda } from 'cognito-local/lib/services/lambda.js';
import type { MessageSender } from 'cognito-local/lib/services/messageDelivery/messageSender.js';
import { LOCAL_ACCOUNT_ID } from './lambda-context.ts';
import { BodyTooLargeError, closeServer, LOOPBACK, listen, readBody } from './net.ts';

/** The groups of the product's roles (DESIGN.md §4), with Cognito precedence (lower wins). */
export const GROUPS = [
  { name: 'Administrators', precedence: 1, description: 'Everything, on everyone’s resources' },
  { name: 'Developers', precedence: 2, description: 'Create, change, deploy and delete their own resources' },
  { name: 'ReadOnly', precedence: 3, description: 'Read everyone’s resources, change nothing' },
] as const;

/** One of the product's role groups. */
export type GroupName = (typeof GROUPS)[number]['name'];

/** The password of every seeded user: meets the pool policy (12+, upper, lower, digit, symbol). */
export const LOCAL_PASSWORD = 'LocalPassw0rd!';

/** A user local mode creates on start, confirmed and in one group. */
export interface SeedUser {
  email: string;
  password: string;
  group: GroupName;
  name: string;
}

/** One confirmed user per group, documented in the README and printed by `npm start`. */
export const SEED_USERS: readonly SeedUser[] = [
  { email: 'admin@example.com', password: LOCAL_PASSWORD, group: 'Administrators', name: 'Local Admin' },
  { email: 'developer@example.com', password: LOCAL_PASSWORD, group: 'Developers', name: 'Local Developer' },
  { email: 'readonly@example.com', password: LOCAL_PASSWORD, group: 'ReadOnly', name: 'Local Viewer' },
];

/** The password policy of the CDK user pool, enforced locally too. */
export const PASSWORD_POLICY = {
  MinimumLength: 12,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
} as const;

/** Options of {@link startCognito}. */
export interface CognitoOptions {
  /** Where the pool, client and users are stored (created if missing). */
  dir: string;
  region?: string;
  /** Port of the endpoint (0 or omitted = ephemeral). */
  port?: number;
  /** The pool id's part after `<region>_` (default `LocalDev1`). */
  poolSuffix?: string;
  /** Users to ensure exist (default {@link SEED_USERS}). */
  seedUsers?: readonly SeedUser[];
  /** Auto-confirm SignUp (the local PreSignUp trigger); default true. */
  autoConfirmSignUps?: boolean;
  /** Log cognito-local's internal errors and any messages it would send (codes). */
  verbose?: boolean;
}

/** A running Cognito stand-in. */
export interface LocalCognito {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint` (and `COGNITO_ENDPOINT`). */
  endpoint: string;
  port: number;
  region: string;
  userPoolId: string;
  /** The app client (USER_PASSWORD_AUTH + refresh), stable across restarts. */
  clientId: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`, the `iss` of every token. */
  issuer: string;
  /** The signing keys, for `verifier.cacheJwks(jwks)` (aws-jwt-verify will not fetch over http). */
  jwks: Jwks;
  seedUsers: readonly SeedUser[];
  /**
   * Calls a Cognito API operation in-process (`'AdminGetUser'`, `{...}`), through the same
   * checks as the HTTP endpoint. For tests and seeding.
   */
  call(operation: string, request: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

/** A Cognito API error (cognito-local's base class), rebuilt here for the stand-in's own checks. */
type CognitoErrorConstructor = new (code: string, message: string) => Error & { code: string };

const require = createRequire(import.meta.url);

/** Cognito's set of password symbols (space counts when not leading or trailing). */
const SYMBOLS = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

type PasswordPolicy = {
  MinimumLength?: number;
  RequireUppercase?: boolean;
  RequireLowercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
};

/** The reason Cognito would reject `password` under `policy`, in Cognito's words, or undefined. */
export function passwordPolicyViolation(password: string, policy: PasswordPolicy): string | undefined {
  if (password.length < (policy.MinimumLength ?? 8)) return 'Password not long enough';
  if (policy.RequireLowercase && !/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (policy.RequireUppercase && !/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (policy.RequireNumbers && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (policy.RequireSymbols && !SYMBOLS.test(password)) return 'Password must have symbol characters';
  return undefined;
}

function decodeJwtPayload(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string') return undefined;
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Standard attributes Cognito puts in ID tokens besides those cognito-local already adds (email, sub). */
const STANDARD_TOKEN_ATTRIBUTES = new Set([
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_number_verified',
  'address',
  'updated_at',
]);

/** The flag an app client needs in ExplicitAuthFlows for each InitiateAuth flow. */
const REQUIRED_FLOW_FLAG: Record<string, string> = {
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  REFRESH_TOKEN_AUTH: 'ALLOW_REFRESH_TOKEN_AUTH',
  REFRESH_TOKEN: 'ALLOW_REFRESH_TOKEN_AUTH',
  USER_SRP_AUTH: 'ALLOW_USER_SRP_AUTH',
  CUSTOM_AUTH: 'ALLOW_CUSTOM_AUTH',
};

/** Starts the Cognito stand-in and seeds it. */
export async function startCognito(options: CognitoOptions): Promise<LocalCognito> {
  const region = options.region ?? 'us-east-1';
  const userPoolId = `${region}_${options.poolSuffix ?? 'LocalDev1'}`;
  const issuerDomain = `https://cognito-idp.${region}.amazonaws.com`;
  const issuer = `${issuerDomain}/${userPoolId}`;
  const seedUsers = options.seedUsers ?? SEED_USERS;
  const autoConfirm = options.autoConfirmSignUps ?? true;
  const dbDir = join(options.dir, 'db');
  await mkdir(dbDir, { recursive: true });

  // cognito-local loads the AWS SDK v2, which prints an end-of-support notice on load.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  const [
    { Router },
    { DefaultConfig },
    errors,
    { DateClock, MessagesService, TriggersService },
    { CognitoServiceFactoryImpl },
    { CryptoService },
    { StormDBDataStoreFactory },
    { MessageDeliveryService },
    { otp },
    { JwtTokenGenerator },
    { UserPoolServiceFactoryImpl },
  ] = await Promise.all([
    import('cognito-local/lib/server/Router.js'),
    import('cognito-local/lib/server/config.js'),
    import('cognito-local/lib/errors.js'),
    import('cognito-local/lib/services/index.js'),
    import('cognito-local/lib/services/cognitoService.js'),
    import('cognito-local/lib/services/crypto.js'),
    import('cognito-local/lib/services/dataStore/stormDb.js'),
    import('cognito-local/lib/services/messageDelivery/messageDelivery.js'),
    import('cognito-local/lib/services/otp.js'),
    import('cognito-local/lib/services/tokenGenerator.js'),
    import('cognito-local/lib/services/userPoolService.js'),
  ]);
  const CognitoError = errors.CognitoError as unknown as CognitoErrorConstructor;
  const cognitoError = (code: string, message: string): Error => new CognitoError(code, message);

  const noop = (): void => undefined;
  const logger: LogService = {
    child: () => logger,
    debug: noop,
    info: noop,
    warn: noop,
    error: options.verbose ? (...args: unknown[]) => console.error('[cognito]', ...args) : noop,
  };
  const ctx: CognitoContext = { logger };

  const triggerArn = `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:local-cognito-pre-sign-up`;
  /**
   * Triggers served in-process.
   * - PreSignUp: what a one-line Lambda returning `autoConfirmUser`/`autoVerifyEmail` does
   *   in a dev account. Only sign-ups (not AdminCreateUser) are confirmed, as in Cognito.
   * - PreTokenGeneration: cognito-local's ID tokens carry only email and custom
   *   attributes; Cognito's carry every standard attribute the user has (`name`, …).
   *   Adding them here makes local ID tokens look like real ones.
   */
  const localTriggers = {
    enabled: (trigger: string) =>
      (autoConfirm && trigger === 'PreSignUp') || trigger === 'PreTokenGeneration',
    invoke: async (
      _ctx: CognitoContext,
      trigger: string,
      event: { triggerSource?: string; userAttributes?: Record<string, string> },
    ) => {
      if (trigger === 'PreSignUp') {
        const signUp = event.triggerSource === 'PreSignUp_SignUp';
        return { autoConfirmUser: signUp, autoVerifyEmail: signUp, autoVerifyPhone: false };
      }
      if (trigger === 'PreTokenGeneration') {
        const claimsToAddOrOverride: Record<string, string | number | boolean> = {};
        for (const [name, value] of Object.entries(event.userAttributes ?? {})) {
          if (!STANDARD_TOKEN_ATTRIBUTES.has(name)) continue;
          if (name === 'phone_number_verified') claimsToAddOrOverride[name] = value === 'true';
          else if (name === 'updated_at') claimsToAddOrOverride[name] = Number(value);
          else claimsToAddOrOverride[name] = value;
        }
        return { claimsOverrideDetails: { claimsToAddOrOverride } };
      }
      throw new Error(`${trigger} trigger not configured`);
    },
  } as unknown as Lambda;

  /** Cognito would email or text these; locally they are only logged when verbose. */
  const sender: MessageSender = {
    sendEmail: async (_ctx, _user, destination, message) => {
      if (options.verbose) console.log(`[cognito] email to ${destination}: code ${message.__code ?? '-'}`);
    },
    sendSms: async (_ctx, _user, destination, message) => {
      if (options.verbose) console.log(`[cognito] SMS to ${destination}: code ${message.__code ?? '-'}`);
    },
  };

  const config: Config = {
    ...DefaultConfig,
    TriggerFunctions: { PreSignUp: triggerArn },
    UserPoolDefaults: { UsernameAttributes: ['email'] },
    TokenConfig: { IssuerDomain: issuerDomain },
  };
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dbDir);
  const cognito: CognitoService = await new CognitoServiceFactoryImpl(
    dbDir,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new TriggersService(clock, cognito, localTriggers, new CryptoService({}));
  const services: Services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(sender)),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const router = Router(services);
  const routes = new Map<string, Route>();
  const route = (operation: string): Route => {
    let r = routes.get(operation);
    if (!r) {
      r = router(operation);
      routes.set(operation, r);
    }
    return r;
  };

  // ---- Checks cognito-local does not make ----------------------------------------------
  const policyOfPool = async (poolId: unknown): Promise<PasswordPolicy | undefined> => {
    if (typeof poolId !== 'string') return undefined;
    const pool = await cognito.getUserPool(ctx, poolId);
    return pool.options.Policies?.PasswordPolicy as PasswordPolicy | undefined;
  };
  const policyOfClient = async (clientId: unknown): Promise<PasswordPolicy | undefined> => {
    if (typeof clientId !== 'string') return undefined;
    const pool = await cognito.getUserPoolForClientId(ctx, clientId);
    return pool.options.Policies?.PasswordPolicy as PasswordPolicy | undefined;
  };
  const checkPassword = (password: unknown, policy: PasswordPolicy | undefined): void => {
    if (typeof password !== 'string' || !policy) return;
    const violation = passwordPolicyViolation(password, policy);
    if (violation) {
      throw cognitoError('InvalidPasswordException', `Password did not conform with policy: ${violation}`);
    }
  };

  const enforcePasswordPolicy = async (
    operation: string,
    request: Record<string, unknown>,
  ): Promise<void> => {
    switch (operation) {
      case 'SignUp':
      case 'ConfirmForgotPassword':
        return checkPassword(request.Password, await policyOfClient(request.ClientId));
      case 'AdminSetUserPassword':
        return checkPassword(request.Password, await policyOfPool(request.UserPoolId));
      case 'AdminCreateUser':
        return checkPassword(request.TemporaryPassword, await policyOfPool(request.UserPoolId));
      case 'RespondToAuthChallenge': {
        const responses = request.ChallengeResponses as Record<string, unknown> | undefined;
        return checkPassword(responses?.NEW_PASSWORD, await policyOfClient(request.ClientId));
      }
      case 'ChangePassword': {
        const iss = decodeJwtPayload(request.AccessToken)?.iss;
        const poolId = typeof iss === 'string' ? iss.split('/').pop() : undefined;
        return checkPassword(request.ProposedPassword, await policyOfPool(poolId));
      }
      default:
        return undefined;
    }
  };

  const enforceAuthFlow = async (request: Record<string, unknown>): Promise<AppClient | null> => {
    if (typeof request.ClientId !== 'string') return null;
    const client = await cognito.getAppClient(ctx, request.ClientId);
    const flag = REQUIRED_FLOW_FLAG[String(request.AuthFlow)];
    if (client?.ExplicitAuthFlows && flag && !client.ExplicitAuthFlows.includes(flag)) {
      throw cognitoError(
        'InvalidParameterException',
        `${String(request.AuthFlow)} flow not enabled for this client`,
      );
    }
    return client;
  };

  /**
   * Admin operations take the username or an alias (the email, in this pool). Some
   * cognito-local targets compare the raw request value with stored usernames (which are
   * subs here), e.g. AdminListGroupsForUser finds no groups for an email; Cognito resolves
   * the alias first, so do that here.
   */
  const resolveAlias = async (operation: string, request: Record<string, unknown>): Promise<void> => {
    // AdminCreateUser names a new user: nothing to resolve (and an existing one must stay a conflict).
    if (
      !operation.startsWith('Admin') ||
      operation === 'AdminCreateUser' ||
      typeof request.UserPoolId !== 'string' ||
      typeof request.Username !== 'string'
    ) {
      return;
    }
    const pool = await cognito.getUserPool(ctx, request.UserPoolId).catch(() => undefined);
    const user = await pool?.getUserByUsername(ctx, request.Username);
    if (user) request.Username = user.Username;
  };

  /** Every operation, HTTP or in-process, goes through here. */
  const call = async (operation: string, request: Record<string, unknown>): Promise<unknown> => {
    await enforcePasswordPolicy(operation, request);
    await resolveAlias(operation, request);
    if (operation !== 'InitiateAuth') {
      return route(operation)(ctx, request);
    }
    await enforceAuthFlow(request);
    let result: { AuthenticationResult?: Record<string, unknown> };
    try {
      result = (await route(operation)(ctx, request)) as typeof result;
    } catch (error) {
      // Cognito never says which of username or password was wrong.
      const code = (error as { code?: unknown }).code;
      if (code === 'InvalidPasswordException' || code === 'NotAuthorizedException') {
        throw cognitoError('NotAuthorizedException', 'Incorrect username or password.');
      }
      throw error;
    }
    const auth = result.AuthenticationResult;
    if (auth) {
      const claims = decodeJwtPayload(auth.AccessToken);
      const lifetime = Number(claims?.exp) - Number(claims?.iat);
      auth.ExpiresIn = Number.isFinite(lifetime) ? lifetime : 3600;
      auth.TokenType = 'Bearer';
    }
    return result;
  };

  // ---- Seeding (idempotent) ------------------------------------------------------------
  const poolOptions = {
    Id: userPoolId,
    Name: 'env-provisioning-local',
    Arn: `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT_ID}:userpool/${userPoolId}`,
    UsernameAttributes: ['email'],
    Policies: { PasswordPolicy: { ...PASSWORD_POLICY } },
    LambdaConfig: { PreSignUp: triggerArn },
    MfaConfiguration: 'OFF',
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
  };
  const existingPool = (await cognito.listUserPools(ctx)).find((pool) => pool.Id === userPoolId);
  if (existingPool) {
    // Keep a persisted pool in step with the settings above.
    const pool = await cognito.getUserPool(ctx, userPoolId);
    await pool.updateOptions(ctx, { ...pool.options, ...poolOptions });
  } else {
    const now = new Date();
    await cognito.createUserPool(ctx, { ...poolOptions, CreationDate: now, LastModifiedDate: now });
  }
  const pool = await cognito.getUserPool(ctx, userPoolId);

  const clientName = 'env-provisioning-local-client';
  const clientSettings = {
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
    // CDK's defaults: ID and access tokens for 60 minutes, refresh tokens for 30 days.
    IdTokenValidity: 60,
    AccessTokenValidity: 60,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
    PreventUserExistenceErrors: 'ENABLED',
  };
  let client = (await cognito.listAppClients(ctx, userPoolId)).find((c) => c.ClientName === clientName);
  if (client) {
    client = { ...client, ...clientSettings };
    await pool.saveAppClient(ctx, client);
  } else {
    const created = (await call('CreateUserPoolClient', {
      UserPoolId: userPoolId,
      ClientName: clientName,
      GenerateSecret: false,
      ...clientSettings,
    })) as { UserPoolClient: { ClientId: string } };
    client = (await cognito.getAppClient(ctx, created.UserPoolClient.ClientId)) ?? undefined;
  }
  if (!client) {
    throw new Error('Could not create the local app client');
  }
  const clientId = client.ClientId;

  const existingGroups = new Set((await pool.listGroups(ctx)).map((group) => group.GroupName));
  for (const group of GROUPS) {
    // CreateGroup in cognito-local overwrites (and would drop members): create only when missing.
    if (!existingGroups.has(group.name)) {
      await call('CreateGroup', {
        UserPoolId: userPoolId,
        GroupName: group.name,
        Description: group.description,
        Precedence: group.precedence,
      });
    }
  }

  for (const user of seedUsers) {
    if (!(await pool.getUserByUsername(ctx, user.email))) {
      await call('AdminCreateUser', {
        UserPoolId: userPoolId,
        Username: user.email,
        MessageAction: 'SUPPRESS',
        TemporaryPassword: user.password,
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: user.name },
        ],
      });
      // A permanent password confirms the user (no FORCE_CHANGE_PASSWORD challenge).
      await call('AdminSetUserPassword', {
        UserPoolId: userPoolId,
        Username: user.email,
        Password: user.password,
        Permanent: true,
      });
    }
    await call('AdminAddUserToGroup', {
      UserPoolId: userPoolId,
      Username: user.email,
      GroupName: user.group,
    });
  }

  // ---- Keys ----------------------------------------------------------------------------
  const publicKeyFile = require.resolve('cognito-local/lib/keys/cognitoLocal.public.json');
  const { jwk } = JSON.parse(await readFile(publicKeyFile, 'utf8')) as { jwk: Jwks['keys'][number] };
  const jwks: Jwks = { keys: [jwk] };

  // ---- The AWS JSON 1.1 endpoint -------------------------------------------------------
  /** Cognito's wire format has dates as epoch seconds (as cognito-local's own server sends them). */
  function dateReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
    const raw = this[key];
    return raw instanceof Date ? Math.floor(raw.getTime() / 1000) : value;
  }
  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    const text = JSON.stringify(body, dateReplacer) ?? '{}';
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    res.end(text);
  };

  let endpoint = '';
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET') {
      const [, poolId, wellKnown, file] = path.split('/');
      if (poolId && wellKnown === '.well-known' && file === 'jwks.json') {
        send(res, 200, jwks, { 'content-type': 'application/json' });
      } else if (poolId && wellKnown === '.well-known' && file === 'openid-configuration') {
        send(
          res,
          200,
          {
            issuer: `${issuerDomain}/${poolId}`,
            jwks_uri: `${endpoint}/${poolId}/.well-known/jwks.json`,
            id_token_signing_alg_values_supported: ['RS256'],
            subject_types_supported: ['public'],
            response_types_supported: ['code', 'token'],
          },
          { 'content-type': 'application/json' },
        );
      } else if (path === '/health') {
        send(res, 200, { ok: true }, { 'content-type': 'application/json' });
      } else {
        send(res, 404, { message: 'Not found' }, { 'content-type': 'application/json' });
      }
      return;
    }
    const target = req.headers['x-amz-target'];
    const operation = typeof target === 'string' ? target.split('.')[1] : undefined;
    if (req.method !== 'POST' || !operation) {
      send(res, 400, {
        __type: 'UnknownOperationException',
        message: `Missing or invalid x-amz-target header`,
      });
      return;
    }
    try {
      const raw = await readBody(req, 1024 * 1024);
      const parsed: unknown = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
      const request =
        typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
      send(res, 200, await call(operation, request));
    } catch (error) {
      if (error instanceof CognitoError) {
        send(res, 400, { __type: error.code, message: error.message }, { 'x-amzn-errortype': error.code });
      } else if (error instanceof errors.UnsupportedError) {
        send(res, 400, {
          __type: 'CognitoLocal#Unsupported',
          message: `Not supported locally: ${error.message}`,
        });
      } else if (error instanceof SyntaxError || error instanceof BodyTooLargeError) {
        send(res, 400, { __type: 'SerializationException', message: error.message });
      } else {
        if (options.verbose) console.error('[cognito] internal error', error);
        send(res, 500, { __type: 'InternalErrorException', message: 'Internal error' });
      }
    }
  };
  const server = createServer((req, res) => {
    void serve(req, res);
  });
  const port = await listen(server, options.port ?? 0);
  endpoint = `http://${LOOPBACK}:${port}`;

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    region,
    userPoolId,
    clientId,
    issuer,
    jwks,
    seedUsers,
    call,
    stop: () => {
      stopping ??= closeServer(server);
      return stopping;
    },
  };
}
