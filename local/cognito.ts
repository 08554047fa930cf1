/**
 * Amazon Cognito user pools, locally: `cognito-local`'s services and targets run
 * in-process behind a small AWS JSON 1.1 endpoint, with data under a directory of our
 * choosing (its own `createDefaultServer` insists on `./.cognito` and port 9229).
 *
 * Seeded idempotently on every start (a restart keeps users and the client id): a user pool
 * whose id has the real `<region>_<id>` format with the CDK pool's password policy, an app
 * client, the three groups, one confirmed user per group (see {@link SEED_USERS}). Tokens
 * are issued as `https://cognito-idp.<region>.amazonaws.com/<pool id>`, the issuer AWS
 * uses, so the production verifier checks them unchanged.
 *
 * Where cognito-local differs from Cognito in a way the product can see, the stand-in is
 * fixed here rather than in `functions/`: signups are auto-confirmed by a PreSignUp
 * trigger served in-process, the pool's password policy is enforced, the client's allowed
 * auth flows are enforced, failed logins answer NotAuthorizedException like Cognito, and
 * AuthenticationResult carries ExpiresIn and TokenType.
 *
 * The parts, under `local/cognito/`: `seed-data.ts` (the groups and users),
 * `password-policy.ts` (the pool's policy and Cognito's verdicts), `triggers.ts` (PreSignUp
 * and PreTokenGeneration, in-process), `services.ts` (cognito-local put together),
 * `request-hooks.ts` (the fixes on every request), `seeding.ts` (the pool, client, groups and
 * users), `keys.ts` (the JWKS) and `endpoint.ts` (the HTTP endpoint). This file puts them
 * together.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { startEndpoint } from './cognito/endpoint.ts';
import { loadJwks } from './cognito/keys.ts';
import { createCall } from './cognito/request-hooks.ts';
import { SEED_USERS, type SeedUser } from './cognito/seed-data.ts';
import { seedUserPool } from './cognito/seeding.ts';
import { createCognitoServices } from './cognito/services.ts';
import { localTriggers, preSignUpTriggerArn } from './cognito/triggers.ts';

export { PASSWORD_POLICY, passwordPolicyViolation } from './cognito/password-policy.ts';
export { GROUPS, type GroupName, LOCAL_PASSWORD, SEED_USERS, type SeedUser } from './cognito/seed-data.ts';

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
  /** The service accounts' app client (15-minute tokens, a day of refresh), stable across restarts. */
  serviceAccountClientId: string;
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

/** Starts the Cognito stand-in and seeds it. */
export async function startCognito(options: CognitoOptions): Promise<LocalCognito> {
  const region = options.region ?? 'us-east-1';
  const userPoolId = `${region}_${options.poolSuffix ?? 'LocalDev1'}`;
  const issuerDomain = `https://cognito-idp.${region}.amazonaws.com`;
  const issuer = `${issuerDomain}/${userPoolId}`;
  const seedUsers = options.seedUsers ?? SEED_USERS;
  const dbDir = join(options.dir, 'db');
  await mkdir(dbDir, { recursive: true });

  const triggerArn = preSignUpTriggerArn(region);
  const services = await createCognitoServices({
    dbDir,
    issuerDomain,
    triggerArn,
    triggers: localTriggers(options.autoConfirmSignUps ?? true),
    verbose: options.verbose,
  });
  const call = createCall(services);
  const { clientId, serviceAccountClientId } = await seedUserPool(services, call, {
    region,
    userPoolId,
    triggerArn,
    seedUsers,
  });
  const jwks = await loadJwks();
  const server = await startEndpoint({
    port: options.port ?? 0,
    issuerDomain,
    jwks,
    call,
    services,
    verbose: options.verbose,
  });

  let stopping: Promise<void> | undefined;
  return {
    endpoint: server.endpoint,
    port: server.port,
    region,
    userPoolId,
    clientId,
    serviceAccountClientId,
    issuer,
    jwks,
    seedUsers,
    call,
    stop: () => {
      stopping ??= server.close();
      return stopping;
    },
  };
}
