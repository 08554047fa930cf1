/** Small shared pieces of the screens: loading data, errors, statuses, formatting. */
import {
  createContext,
  type Dispatch,
  type ReactNode,
  type SetStateAction,
  useCallback,
  useContext,
  useEffect,
  useState,
} from 'react';
import type { Schemas } from './api.ts';

/** The signed-in user (GET /me): what the screens show and which buttons they offer. */
export const MeContext = createContext<Schemas['Me'] | null>(null);

/** Whether the user may change things (a ReadOnly user would get 403: no buttons for them). */
export function useCanWrite(): boolean {
  const me = useContext(MeContext);
  return me !== null && me.role !== 'ReadOnly';
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `key` changes (and on `reload`), keeping the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what `load` reads.
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(failure instanceof Error ? failure.message : String(failure));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function ErrorBox({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

export function Status({ value }: { value: string }) {
  return <span className={`status status-${value}`}>{value.replace('_', ' ')}</span>;
}

/**
 * *Previous page* / *Next page* over the API's forward-only cursors: `cursors` holds the cursor
 * of each page shown so far (`undefined` for the first), its last is the page on screen.
 */
export function Pager({
  cursors,
  setCursors,
  next,
}: {
  cursors: (string | undefined)[];
  setCursors: Dispatch<SetStateAction<(string | undefined)[]>>;
  next: string | null | undefined;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
        Previous page
      </button>
      <span>Page {cursors.length}</span>
      <button type="button" disabled={!next} onClick={() => setCursors((c) => [...c, next ?? undefined])}>
        Next page
      </button>
    </nav>
  );
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export { usd } from './format.ts';

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** `1 h 5 min`, `42 s`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
