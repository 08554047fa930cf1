/**
 * The live run view: the stack graph as layers (one column per layer, an edge per dependency),
 * each stack coloured by its status and updated from the run's stream, the progress and elapsed
 * time, cancel and retry, and the run's log lines below with filters by stack and level. An
 * operation awaiting an approval is shown so (not as finished) until it runs or ends rejected,
 * expired or cancelled; an answered approval is shown with its comment.
 */
import { useContext, useEffect, useMemo, useRef, useState } from 'react';
import { API_BASE, api, type Schemas, unwrap } from '../api.ts';
import { approvalButtons, FINAL_OPERATION_STATUSES, isLive } from '../approvals.ts';
import { type GraphStack, layoutGraph, NODE, statusAfter } from '../graph.ts';
import { Link, navigate } from '../router.tsx';
import { followRun } from '../run-stream.ts';
import { duration, ErrorBox, MeContext, Section, Status, useCanWrite, useLoad, when } from '../ui.tsx';
import { type Line, Logs } from './logs.tsx';

type Progress = Schemas['Progress'] & { status?: string };

export function RunView({ id }: { id: string }) {
  const canWrite = useCanWrite();
  const me = useContext(MeContext);
  const [tick, setTick] = useState(0);
  const op = useLoad(
    async () => unwrap(await api.GET('/operations/{op_id}', { params: { path: { op_id: id } } })),
    `${id}|${tick}`,
  );
  const envId = op.data?.environment_id;
  const stacks = useLoad(
    async () =>
      envId
        ? unwrap(await api.GET('/environments/{env_id}/stacks', { params: { path: { env_id: envId } } }))
            .items
        : [],
    envId ?? '',
  );
  const [statuses, setStatuses] = useState<Record<string, string>>({});
  const [progress, setProgress] = useState<Progress>();
  const [lines, setLines] = useState<Line[]>([]);
  const [connection, setConnection] = useState('connecting');
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(Date.now());
  const stream = useRef<AbortController | null>(null);
  // A status in the stream other than the record's (approved, rejected, …) reloads the record.
  const recordStatus = useRef<string | undefined>(undefined);
  recordStatus.current = op.data?.status;
  const reloadedFor = useRef<string | undefined>(undefined);

  // The stream, from its first event: every line of the run, then what happens next.
  useEffect(() => {
    const abort = new AbortController();
    stream.current = abort;
    reloadedFor.current = undefined;
    setLines([]);
    setStatuses({});
    setProgress(undefined);
    void followRun({
      url: `${API_BASE}/operations/${encodeURIComponent(id)}/stream`,
      signal: abort.signal,
      onState: setConnection,
      onEvent: (event) => {
        const line = event.data.line as Schemas['LogEvent'] | undefined;
        if (line && event.id) setLines((all) => [...all, { ...line, id: event.id ?? '' }]);
        const stack = event.data.stack;
        if (typeof stack === 'string') {
          const destroying = typeof line?.message === 'string' && line.message.startsWith('Destroying');
          setStatuses((all) => ({
            ...all,
            [stack]:
              destroying && event.type === 'stack.started'
                ? 'destroying'
                : statusAfter(event.type, event.data, all[stack] ?? 'pending'),
          }));
        }
        if (event.type === 'progress') {
          const next = event.data as unknown as Progress;
          setProgress(next);
          const told = next.status;
          if (told && recordStatus.current && told !== recordStatus.current && told !== reloadedFor.current) {
            reloadedFor.current = told;
            setTick((t) => t + 1);
          }
        }
        // The end: the operation's record has every stack's final status.
        if (event.type === 'end') setTick((t) => t + 1);
      },
    }).catch(() => setConnection('failed'));
    return () => abort.abort();
  }, [id]);

  // Waiting for an approval is not the end: the run may still start. A final status (rejected
  // and expired included) is, so the stream is let go.
  const status = op.data?.status;
  const running = status !== undefined && isLive(status);
  useEffect(() => {
    if (status && FINAL_OPERATION_STATUSES.has(status)) stream.current?.abort();
  }, [status]);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);

  const graph = useMemo(() => {
    const dependsOn = new Map((stacks.data ?? []).map((s) => [s.name, s.depends_on]));
    const final = !running;
    // While it waits for an approval, nothing of it runs yet: its plan's stacks are drawn, pending.
    const waiting = op.data?.status === 'awaiting_approval';
    const planned = (op.data?.plan?.stacks ?? []).map((s) => ({ ...s, status: 'pending' }));
    const stacksOfRun = waiting ? planned : (op.data?.stacks ?? []);
    const nodes: GraphStack[] = stacksOfRun.map((s) => ({
      name: s.name,
      layer: s.layer,
      dependsOn: dependsOn.get(s.name) ?? [],
      // Once the run ended, its record is the truth; while it runs, the stream is newer.
      status: final || waiting ? s.status : (statuses[s.name] ?? s.status),
    }));
    return layoutGraph(nodes);
  }, [op.data, stacks.data, statuses, running]);

  async function act(run: () => Promise<void>) {
    try {
      setError(undefined);
      await run();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  const o = op.data;
  if (!o) return <ErrorBox message={op.error} />;
  const shown = progress ?? o.progress;
  const approval = approvalButtons(me, o);
  const started = Date.parse(o.started_at);
  const finished = o.finished_at ? Date.parse(o.finished_at) : now;
  return (
    <>
      <Section
        title={`Run: ${o.kind} (attempt ${o.attempt})`}
        actions={
          canWrite ? (
            <div className="actions">
              {o.status === 'awaiting_approval' && approval.cancel ? (
                <button
                  type="button"
                  onClick={() =>
                    act(async () => {
                      unwrap(
                        await api.POST('/operations/{op_id}/cancel', { params: { path: { op_id: id } } }),
                      );
                      setTick((t) => t + 1);
                    })
                  }
                >
                  Cancel request
                </button>
              ) : null}
              {o.status === 'running' ? (
                <button
                  type="button"
                  disabled={o.cancel_requested}
                  onClick={() =>
                    act(async () => {
                      unwrap(
                        await api.POST('/operations/{op_id}/cancel', { params: { path: { op_id: id } } }),
                      );
                      setTick((t) => t + 1);
                    })
                  }
                >
                  {o.cancel_requested ? 'Cancelling…' : 'Cancel run'}
                </button>
              ) : null}
              {(o.status === 'failed' || o.status === 'cancelled') &&
              (!o.approval || o.approval.status === 'approved') ? (
                <button
                  type="button"
                  onClick={() =>
                    act(async () => {
                      const answer = unwrap(
                        await api.POST('/operations/{op_id}/retry', { params: { path: { op_id: id } } }),
                      ) as { operation?: { id: string } };
                      if (answer.operation) navigate(`/operations/${answer.operation.id}`);
                    })
                  }
                >
                  Retry run
                </button>
              ) : null}
            </div>
          ) : null
        }
      >
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <Status value={o.status} /> {o.outcome ? <span className="muted">{o.outcome}</span> : null}
          </dd>
          <dt>Environment</dt>
          <dd>
            <Link to={`/environments/${o.environment_id}`}>{o.environment_id}</Link>
          </dd>
          <dt>Progress</dt>
          <dd>
            <progress max={shown.stacks || 1} value={shown.stacks_done} aria-label="Stacks done" />{' '}
            <span data-testid="progress">
              {shown.stacks_done} / {shown.stacks} stacks, layer {shown.layer} of {shown.layers}
            </span>
          </dd>
          <dt>Elapsed</dt>
          <dd data-testid="elapsed">{duration(finished - started)}</dd>
          <dt>Started</dt>
          <dd>{when(o.started_at)}</dd>
          <dt>Stream</dt>
          <dd>{connection}</dd>
        </dl>
        {o.status === 'awaiting_approval' ? (
          <p className="notice" data-testid="awaiting-approval">
            Awaiting approval{o.approval?.reason ? `: ${o.approval.reason}` : ''}. Nothing runs before an
            approver answers (until {when(o.approval?.expires_at)});{' '}
            <Link to={`/environments/${o.environment_id}`}>see the plan on the environment's page</Link>.
          </p>
        ) : null}
        {o.approval && o.approval.status !== 'pending' ? (
          <p className="muted" data-testid="approval-answer">
            Approval {o.approval.status}
            {o.approval.answered_by_name || o.approval.answered_by
              ? ` by ${o.approval.answered_by_name ?? o.approval.answered_by}`
              : ''}
            {o.approval.answered_at ? ` at ${when(o.approval.answered_at)}` : ''}
            {o.approval.comment ? `: “${o.approval.comment}”` : ''}
          </p>
        ) : null}
        {o.error ? <p className="error">{o.error}</p> : null}
        <ErrorBox message={error} />
      </Section>
      <Section title="Stack graph">
        <div className="graph-wrap">
          <svg
            role="img"
            aria-label={`Stack graph: ${graph.nodes.map((n) => `${n.name} ${n.status}`).join(', ')}`}
            width={graph.width}
            height={graph.height}
            viewBox={`0 0 ${graph.width} ${graph.height}`}
          >
            <defs>
              <marker
                id="arrow"
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="6"
                markerHeight="6"
                orient="auto"
              >
                <path d="M0,0 L10,5 L0,10 z" className="edge-head" />
              </marker>
            </defs>
            {graph.layers.map((layer, column) => (
              <text
                key={layer}
                className="layer-label"
                x={NODE.padding + column * (NODE.width + NODE.columnGap)}
                y={NODE.padding + 12}
              >
                Layer {layer}
              </text>
            ))}
            {graph.edges.map(({ from, to }) => {
              const x1 = from.x + NODE.width;
              const y1 = from.y + NODE.height / 2;
              const x2 = to.x;
              const y2 = to.y + NODE.height / 2;
              const mid = (x1 + x2) / 2;
              return (
                <path
                  key={`${from.name}->${to.name}`}
                  className="edge"
                  d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
                  markerEnd="url(#arrow)"
                />
              );
            })}
            {graph.nodes.map((node) => (
              <g
                key={node.name}
                className={`node node-${node.status}`}
                data-stack={node.name}
                data-status={node.status}
              >
                <rect x={node.x} y={node.y} width={NODE.width} height={NODE.height} rx={6} />
                <text x={node.x + 8} y={node.y + 16}>
                  {node.name}
                </text>
                <text x={node.x + 8} y={node.y + 32} className="node-status">
                  {node.status.replace('_', ' ')}
                </text>
              </g>
            ))}
          </svg>
        </div>
      </Section>
      <Logs lines={lines} stacks={graph.nodes.map((n) => n.name)} />
    </>
  );
}
