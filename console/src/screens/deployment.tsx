/**
 * The live view of a deployment (an application version rolled onto a running environment):
 * its version, strategy and status, its batches as a row of boxes (percent and status, coloured
 * like the stack graph), the elapsed time and its log lines following below, all from the
 * deployment's stream (GET /deployments/{id}/stream, read like a run's). The stream's events
 * carry the lines and the deployment's status, not its batches: the record is read again
 * (at most every 300 ms) after the lines that move a batch, and at the end. The API has no
 * action on a deployment, so the page offers none (nothing for a ReadOnly user to be refused).
 */
import { useEffect, useRef, useState } from 'react';
import { API_BASE, api, unwrap } from '../api.ts';
import { Link } from '../router.tsx';
import { followRun } from '../run-stream.ts';
import { duration, ErrorBox, Section, Status, useLoad, when } from '../ui.tsx';
import { type Line, Logs } from './logs.tsx';

const FINAL = new Set(['succeeded', 'failed', 'rolled_back']);
const REFRESH_MS = 300;

export function DeploymentView({ id }: { id: string }) {
  const [tick, setTick] = useState(0);
  const deployment = useLoad(
    async () =>
      unwrap(await api.GET('/deployments/{deployment_id}', { params: { path: { deployment_id: id } } })),
    `${id}|${tick}`,
  );
  const [lines, setLines] = useState<Line[]>([]);
  const [connection, setConnection] = useState('connecting');
  const [now, setNow] = useState(Date.now());
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // The stream, from its first line; each event may mean a batch moved: read the record again.
  useEffect(() => {
    const abort = new AbortController();
    const refresh = () => {
      if (pending.current !== undefined) return;
      pending.current = setTimeout(() => {
        pending.current = undefined;
        setTick((t) => t + 1);
      }, REFRESH_MS);
    };
    setLines([]);
    void followRun({
      url: `${API_BASE}/deployments/${encodeURIComponent(id)}/stream`,
      signal: abort.signal,
      onState: setConnection,
      onEvent: (event) => {
        const line = event.data.line as Line | undefined;
        if (line && event.id) setLines((all) => [...all, { ...line, id: event.id ?? '' }]);
        if (event.type === 'end') setTick((t) => t + 1);
        else if (event.type !== 'reconnect') refresh();
      },
    }).catch(() => setConnection('failed'));
    return () => {
      abort.abort();
      clearTimeout(pending.current);
      pending.current = undefined;
    };
  }, [id]);

  const running = deployment.data !== undefined && !FINAL.has(deployment.data.status);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);

  const d = deployment.data;
  if (!d) return <ErrorBox message={deployment.error} />;
  const started = Date.parse(d.started_at ?? d.created_at);
  const finished = d.finished_at ? Date.parse(d.finished_at) : now;
  const healthy = d.batches.filter((b) => b.status === 'healthy').length;
  return (
    <>
      <Section title={`Deployment of ${d.version}`}>
        <dl className="facts">
          <dt>Status</dt>
          <dd data-testid="deployment-status">
            <Status value={d.status} />
          </dd>
          <dt>Environment</dt>
          <dd>
            <Link to={`/environments/${d.environment_id}`}>{d.environment_id}</Link>
          </dd>
          <dt>Strategy</dt>
          <dd>{d.strategy.replaceAll('_', ' ')}</dd>
          <dt>Previous version</dt>
          <dd>{d.previous_version ?? '—'}</dd>
          <dt>Batches</dt>
          <dd data-testid="batches-healthy">
            {healthy} / {d.batches.length} healthy
          </dd>
          <dt>Elapsed</dt>
          <dd data-testid="elapsed">{duration(finished - started)}</dd>
          <dt>Requested</dt>
          <dd>
            {when(d.created_at)} by {d.requested_by}
          </dd>
          <dt>Stream</dt>
          <dd>{connection}</dd>
        </dl>
        {d.error ? <p className="error">{d.error}</p> : null}
      </Section>
      <Section title="Batches">
        <ol
          className="batch-row"
          aria-label={`Batches: ${d.batches.map((b) => `${b.number} ${b.percent} % ${b.status}`).join(', ')}`}
        >
          {d.batches.map((b) => (
            <li
              key={b.number}
              className={`batch batch-${b.status}`}
              data-batch={b.number}
              data-status={b.status}
            >
              <strong>Batch {b.number}</strong>
              <span>{b.percent} % of instances</span>
              <span className="batch-status">{b.status}</span>
            </li>
          ))}
        </ol>
      </Section>
      <Logs lines={lines} stacks={[]} />
    </>
  );
}
