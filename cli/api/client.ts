/**
 * The typed API client (openapi-fetch over the generated `schema.ts`) and how a command gets
 * one: the token from `--token`/`ENVCTL_TOKEN` or the stored login, refreshed through
 * POST /auth/refresh when the ID token has expired. `unwrap` turns an error answer into a
 * CliError with the exit code of its status.
 */
import createClient, { type Client } from 'openapi-fetch';
import { expiresAt, readCredentials, writeCredentials } from '../credentials.ts';
import { apiError, CliError, exitCodes } from '../errors.ts';
import type { paths } from './schema.ts';

export type Api = Client<paths>;

export interface Globals {
  apiUrl: string;
  token?: string;
  output: 'text' | 'json';
}

export function anonymousClient(apiUrl: string): Api {
  return createClient<paths>({ baseUrl: apiUrl.replace(/\/$/, '') });
}

/**
 * A client carrying the user's ID token; exit code 3 when there is none. A stored login's token
 * is read again for every request, so a watch or `logs --follow` that outlives the ID token's
 * hour goes on with a refreshed one (a token given with `--token` is used as it is).
 */
export async function authenticatedClient(globals: Globals): Promise<Api> {
  const given = globals.token;
  // Checked now: a command without a login fails at once with exit code 3.
  if (given === undefined) await storedToken(globals.apiUrl);
  const api = anonymousClient(globals.apiUrl);
  api.use({
    async onRequest({ request }) {
      const token = given ?? (await storedToken(globals.apiUrl));
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  });
  return api;
}

async function storedToken(apiUrl: string): Promise<string> {
  const credentials = readCredentials();
  if (!credentials) throw new CliError('Not logged in: run envctl login', exitCodes.unauthenticated);
  // A minute of margin: the token must still be valid when the request arrives.
  if (expiresAt(credentials.id_token) > Date.now() / 1000 + 60) return credentials.id_token;
  const { data, error, response } = await anonymousClient(apiUrl).POST('/auth/refresh', {
    body: { refresh_token: credentials.refresh_token },
  });
  if (!data) {
    const cause = apiError(response.status, error).message;
    throw new CliError(`The session has expired (${cause}): run envctl login`, exitCodes.unauthenticated);
  }
  writeCredentials({ ...credentials, id_token: data.id_token });
  return data.id_token;
}

/** The body of a successful answer, or a CliError for an error answer. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    throw apiError(result.response.status, result.error);
  }
  return result.data;
}
