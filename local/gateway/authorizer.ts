/**
 * The Cognito user pools authorizer of the REST API: which tokens it lets through, and the
 * claims as it hands them to the integration.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { javaDate } from './dates.ts';

/** The user pool whose ID tokens the authorizer accepts. */
export interface GatewayAuth {
  userPoolId: string;
  /** The app client: an ID token's `aud` must be this (or one of `otherClientIds`). */
  clientId: string;
  /**
   * The pool's other app clients (the service accounts', docs/decisions.md §44): API Gateway's
   * Cognito authorizer takes ID tokens of every client of the pool.
   */
  otherClientIds?: readonly string[];
  /** The pool's signing keys (aws-jwt-verify does not fetch JWKS over http). */
  jwks: Jwks;
}

/**
 * Checks a request's `Authorization` header: the claims (as strings) of a valid token, or
 * undefined when the request is to be refused with 401.
 */
export type Authorizer = (authorization: string | undefined) => Record<string, string> | undefined;

/**
 * Claims as API Gateway hands them to the integration: every value a string. Lists (such
 * as `cognito:groups`) are joined with commas, numbers and booleans stringified, `exp` and
 * `iat` rendered as dates.
 */
export function claimsAsStrings(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') {
      claims[name] = javaDate(value);
    } else if (Array.isArray(value)) {
      claims[name] = value.map(String).join(',');
    } else if (typeof value === 'object') {
      claims[name] = JSON.stringify(value);
    } else {
      claims[name] = String(value);
    }
  }
  return claims;
}

/**
 * What aws-jwt-verify does not check and the Cognito authorizer refuses (docs/decisions.md
 * §33): a token without `exp` (the library checks `exp` only when the claim is present;
 * Cognito never issues one without it), and a token issued in the future (`iat` after now:
 * the library does not look at `iat`; no token Cognito issued can carry one).
 */
function checkTimes(payload: Record<string, unknown>, nowSeconds: number): boolean {
  if (typeof payload.exp !== 'number') return false;
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds) return false;
  return true;
}

/** The authorizer of `auth`'s pool and client. */
export function createAuthorizer(auth: GatewayAuth): Authorizer {
  // The production verifier, configured as the Cognito authorizer of the REST API: ID tokens
  // of this pool, for this client. It checks the signature (RS256 with a key of the pool's
  // JWKS: `alg: none` and unknown `kid`s are refused), the issuer, `token_use`, `aud`, and
  // `exp`/`nbf` when present. `verifySync` never fetches keys, so an unknown `kid` fails
  // instead of reaching out to cognito-idp.amazonaws.com.
  const verifier = CognitoJwtVerifier.create({
    userPoolId: auth.userPoolId,
    tokenUse: 'id',
    clientId: [auth.clientId, ...(auth.otherClientIds ?? [])],
  });
  verifier.cacheJwks(auth.jwks);

  return (authorization) => {
    // API Gateway's Cognito authorizer takes the raw token; "Bearer <token>" is accepted too.
    const token = authorization?.trim().replace(/^bearer\s+/i, '');
    if (!token) return undefined;
    let payload: Record<string, unknown>;
    try {
      payload = verifier.verifySync(token) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (!checkTimes(payload, Date.now() / 1000)) return undefined;
    return claimsAsStrings(payload);
  };
}
