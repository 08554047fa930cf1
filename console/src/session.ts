/**
 * The signed-in user's tokens, kept in sessionStorage (this tab only, gone when it closes):
 * the ID token for the API, the refresh token to get a new one (POST /auth/refresh).
 */
import { useSyncExternalStore } from 'react';

export interface Session {
  email: string;
  idToken: string;
  refreshToken: string;
}

const KEY = 'envconsole.session';
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function session(): Session | null {
  return current;
}

export function setSession(next: Session | null): void {
  current = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

/** The session, re-rendering when it changes (sign in, refresh, sign out). */
export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}

/** When a JWT expires (its `exp`, in seconds), or 0 when it cannot be read. */
function expiresAt(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : 0;
  } catch {
    return 0;
  }
}

/** An ID token valid for at least another minute: the stored one, or a refreshed one. */
export async function freshToken(): Promise<string | null> {
  const now = current;
  if (!now) return null;
  if (expiresAt(now.idToken) > Date.now() / 1000 + 60) return now.idToken;
  return refreshSession();
}

let refreshing: Promise<string | null> | null = null;

/** A new ID token from the refresh token (one call at a time); signs out when it is refused. */
export function refreshSession(): Promise<string | null> {
  const now = current;
  if (!now) return Promise.resolve(null);
  refreshing ??= fetch('/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: now.refreshToken }),
  })
    .then(async (response) => {
      if (!response.ok) {
        setSession(null);
        return null;
      }
      const body = (await response.json()) as { id_token: string };
      setSession({ ...now, idToken: body.id_token });
      return body.id_token;
    })
    .catch(() => null)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}
