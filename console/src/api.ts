/**
 * The console's API client: openapi-fetch over the generated types of the API
 * (`cli/api/schema.ts`, the same file envctl uses), on the same origin (`/v1`). Every request
 * carries the signed-in user's ID token, refreshed through POST /auth/refresh when it has less
 * than a minute left; a GET answered 401 anyway is repeated once with a refreshed token.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../cli/api/schema.ts';
import { freshToken, refreshSession } from './session.ts';

export type Schemas = components['schemas'];

/** The API's base path: the console is served by the API at `/v1/console/`. */
export const API_BASE = '/v1';

export const api = createClient<paths>({ baseUrl: API_BASE });

const auth: Middleware = {
  async onRequest({ request }) {
    if (request.url.includes('/auth/')) return request;
    const token = await freshToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ request, response }) {
    // Only a GET is repeated: a request's body can be sent once.
    if (response.status !== 401 || request.method !== 'GET' || request.url.includes('/auth/'))
      return response;
    const token = await refreshSession();
    if (!token) return response;
    const again = new Request(request, { headers: new Headers(request.headers) });
    again.headers.set('Authorization', `Bearer ${token}`);
    return fetch(again);
  },
};
api.use(auth);

/** The message of an error answer (the API's `{detail, errors?}` shape), for the user. */
export function errorText(error: unknown, status?: number): string {
  const body = error as Partial<Schemas['Error']> | undefined;
  const fields = body?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
  const detail = body?.detail ?? `Request failed${status ? ` (${status})` : ''}`;
  return fields ? `${detail} — ${fields}` : detail;
}

/** The body of a successful answer, or an Error carrying the API's message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    throw new Error(errorText(result.error, result.response.status));
  }
  return result.data;
}
