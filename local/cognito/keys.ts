/** The keys cognito-local signs tokens with, as the pool's JWKS. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Jwks } from 'aws-jwt-verify/jwk';

const require = createRequire(import.meta.url);

/** cognito-local's public key, as `/.well-known/jwks.json` serves it. */
export async function loadJwks(): Promise<Jwks> {
  const publicKeyFile = require.resolve('cognito-local/lib/keys/cognitoLocal.public.json');
  const { jwk } = JSON.parse(await readFile(publicKeyFile, 'utf8')) as { jwk: Jwks['keys'][number] };
  return { keys: [jwk] };
}
