/**
 * The console's API client: openapi-fetch over the generated types of the API
 * (`cli/api/schema.ts`, the same file envctl uses), on the same origin (`/v1`). Every request
 * carries the signed-in user's ID token; a 401 is answered once by refreshing it through
 * POST /auth/refresh and repeating the request.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../cli/api/schema.ts';
import { refreshSession, session } from './session.ts';

export type Schemas = components['schemas'];

/** The API's base path: the console is served by the API at `/v1/console/`. */
export const API_BASE = '/v1';

export const api = createClient<paths>({ baseUrl: API_BASE });

const auth: Middleware = {
  onRequest({ request }) {
    const token = session()?.idToken;
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || request.url.includes('/auth/')) return response;
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
