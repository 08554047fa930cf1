/**
 * A minimal history router for the console's handful of screens. Hand-written rather than a
 * router library: six flat routes, and the API serves the page for every path below
 * `/v1/console/` (its index fallback), so links are plain paths.
 */
import { type AnchorHTMLAttributes, useSyncExternalStore } from 'react';

export const BASE = '/v1/console';

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

function location(): string {
  return window.location.pathname + window.location.search;
}

/** The current path below the console (`/environments/env_1?x=1`), re-rendering on change. */
export function useLocation(): string {
  const full = useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, location);
  const below = full.startsWith(BASE) ? full.slice(BASE.length) : full;
  return below === '' || below.startsWith('?') ? `/${below}` : below;
}

export function navigate(to: string, replace = false): void {
  const url = `${BASE}${to}`;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
}

/** A link to a console path: an ordinary anchor (new tabs work), navigating in place on a plain click. */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      {...rest}
      href={`${BASE}${to}`}
      onClick={(event) => {
        if (
          event.defaultPrevented ||
          event.button !== 0 ||
          event.metaKey ||
          event.ctrlKey ||
          event.shiftKey
        ) {
          return;
        }
        event.preventDefault();
        navigate(to);
      }}
    />
  );
}

/** Matches `/environments/:id` style patterns; the captured values, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const [pathname = ''] = path.split('?');
  const want = pattern.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return undefined;
  }
  return params;
}
