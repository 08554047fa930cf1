/**
 * An environment's page: status, TTL and expiry (extend it), cost, stacks with their resources
 * and outputs, operations (each opens its live run view), deployments with their batches and
 * lifecycle events, and "Deploy a version" on a running one (each deployment opens its live
 * view). A protected one has a badge; while one of its operations awaits an approval, a banner
 * shows its plan with Approve / Reject / Cancel (approval-banner.tsx). Refreshed every 2 s while
 * something is in progress (5 s while an approval is awaited).
 */
import { useEffect, useState } from 'react';
import { api, type Schemas, unwrap } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { ErrorBox, Section, Status, usd, useCanWrite, useLoad, when } from '../ui.tsx';
import { ApprovalBanner } from './approval-banner.tsx';
import { DeployForm } from './deploy-form.tsx';

const SETTLED = new Set(['running', 'stopped', 'destroyed', 'failed']);

export function EnvironmentPage({ id }: { id: string }) {
  const canWrite = useCanWrite();
  const [tick, setTick] = useState(0);
  const path = { params: { path: { env_id: id } } };
  const env = useLoad(async () => unwrap(await api.GET('/environments/{env_id}', path)), `${id}|${tick}`);
  const stacks = useLoad(
    async () => unwrap(await api.GET('/environments/{env_id}/stacks', path)),
    `${id}|${tick}`,
  );
  const operations = useLoad(
    async () => unwrap(await api.GET('/environments/{env_id}/operations', path)),
    `${id}|${tick}`,
  );
  const deployments = useLoad(
    async () => unwrap(await api.GET('/environments/{env_id}/deployments', path)),
    `${id}|${tick}`,
  );
  const events = useLoad(
    async () => unwrap(await api.GET('/events', { params: { query: { environment_id: id, limit: 20 } } })),
    `${id}|${tick}`,
  );
  const [error, setError] = useState<string>();
  const [message, setMessage] = useState<string>();
  const [ttl, setTtl] = useState('24');
  const status = env.data?.status;

  useEffect(() => {
    if (!status || SETTLED.has(status)) return;
    // An approval can take hours: look less often while one is awaited.
    const timer = setTimeout(() => setTick((t) => t + 1), status === 'awaiting_approval' ? 5000 : 2000);
    return () => clearTimeout(timer);
  }, [status]);

  async function act(run: () => Promise<unknown>) {
    try {
      setError(undefined);
      setMessage(undefined);
      await run();
      setTick((t) => t + 1);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  const e = env.data;
  if (!e) return <ErrorBox message={env.error} />;
  const current = e.current_operation_id;
  return (
    <>
      <Section
        title={`Environment ${e.name}`}
        actions={
          canWrite && !['destroyed', 'destroying', 'awaiting_approval'].includes(e.status) ? (
            <button
              type="button"
              className="danger"
              onClick={() =>
                act(async () => {
                  const question = e.protected
                    ? `Delete environment ${e.name}? It is protected: the deletion waits for an approval.`
                    : `Delete environment ${e.name}? Its stacks are destroyed.`;
                  if (!window.confirm(question)) return;
                  const answer = unwrap(await api.DELETE('/environments/{env_id}', path)) as {
                    operation?: { id: string; status: string };
                  };
                  // A protected environment's deletion waits here, in the page's approval banner.
                  if (answer.operation?.status === 'awaiting_approval') {
                    setMessage(`Deletion of ${e.name} requested: it waits for an approval.`);
                  } else if (answer.operation) navigate(`/operations/${answer.operation.id}`);
                })
              }
            >
              Delete environment
            </button>
          ) : null
        }
      >
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <Status value={e.status} />{' '}
            {e.protected ? (
              <span className="badge badge-protected" title="Its operations wait for an approval">
                protected
              </span>
            ) : null}{' '}
            {e.error ? <span className="muted">{e.error}</span> : null}
          </dd>
          <dt>Current run</dt>
          <dd>{current ? <Link to={`/operations/${current}`}>Open the live run view</Link> : '—'}</dd>
          <dt>Template</dt>
          <dd>
            {e.template} ({e.type}, {e.region})
          </dd>
          <dt>Cost</dt>
          <dd>{usd(e.estimated_monthly_cost_usd)} / month</dd>
          <dt>TTL</dt>
          <dd>{e.ttl_hours === null ? 'none (persistent)' : `${e.ttl_hours} h`}</dd>
          <dt>Expires</dt>
          <dd>{when(e.expires_at)}</dd>
          <dt>URL</dt>
          <dd>{e.base_url ?? '—'}</dd>
        </dl>
        {canWrite && e.type === 'ephemeral' && !['destroyed', 'destroying'].includes(e.status) ? (
          <form
            className="inline-form"
            aria-label="Extend the TTL"
            onSubmit={(event) => {
              event.preventDefault();
              void act(async () =>
                unwrap(
                  await api.PATCH('/environments/{env_id}', { ...path, body: { ttl_hours: Number(ttl) } }),
                ),
              );
            }}
          >
            <label>
              TTL (hours from creation)
              <input type="number" min={1} max={720} value={ttl} onChange={(ev) => setTtl(ev.target.value)} />
            </label>
            <button type="submit">Set TTL</button>
          </form>
        ) : null}
        {message ? (
          <p className="notice" role="status">
            {message}
          </p>
        ) : null}
        <ErrorBox message={error} />
      </Section>
      {e.status === 'awaiting_approval' && current ? (
        <ApprovalBanner
          environment={e}
          operationId={current}
          reloadKey={String(tick)}
          onChanged={(text) => {
            setMessage(text);
            setTick((t) => t + 1);
          }}
        />
      ) : null}
      <StacksSection stacks={stacks.data?.items ?? []} />
      <Section title="Operations">
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Attempt</th>
                <th scope="col">Started</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {operations.data?.items.map((op) => (
                <tr key={op.id}>
                  <td>
                    <Link to={`/operations/${op.id}`}>{op.kind}</Link>
                  </td>
                  <td>
                    <Status value={op.status} />
                  </td>
                  <td>{op.attempt}</td>
                  <td>{when(op.started_at)}</td>
                  <td>{op.outcome ?? op.error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      {canWrite && e.status === 'running' ? <DeployForm envId={e.id} /> : null}
      <DeploymentsSection deployments={deployments.data?.items ?? []} />
      <Section title="Events">
        <ul className="events">
          {events.data?.items.map((ev) => (
            <li key={ev.id}>
              <time>{when(ev.time)}</time> <strong>{ev.type}</strong>
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}

function StacksSection({ stacks }: { stacks: Schemas['Stack'][] }) {
  return (
    <Section title="Stacks">
      {stacks.map((stack) => (
        <details key={stack.name} className="stack">
          <summary>
            <strong>{stack.name}</strong> <span className="muted">layer {stack.layer}</span>{' '}
            <Status value={stack.status} />{' '}
            <span className="muted">{usd(stack.estimated_monthly_cost_usd)}</span>
          </summary>
          {stack.error ? <p className="error">{stack.error}</p> : null}
          <p className="muted">Depends on: {stack.depends_on.join(', ') || 'nothing'}</p>
          <div className="table-wrap">
            <table>
              <caption>Resources</caption>
              <thead>
                <tr>
                  <th scope="col">Logical id</th>
                  <th scope="col">Type</th>
                  <th scope="col">Id</th>
                </tr>
              </thead>
              <tbody>
                {stack.resources.map((r) => (
                  <tr key={r.logical_id}>
                    <td>{r.logical_id}</td>
                    <td>{r.type}</td>
                    <td className="mono">{r.id}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Outputs</h3>
          <pre>{JSON.stringify(stack.outputs, null, 2)}</pre>
        </details>
      ))}
    </Section>
  );
}

function DeploymentsSection({ deployments }: { deployments: Schemas['Deployment'][] }) {
  return (
    <Section title="Deployments">
      {deployments.length === 0 ? <p className="muted">No deployments.</p> : null}
      {deployments.map((d) => (
        <div key={d.id} className="deployment">
          <Link to={`/deployments/${d.id}`}>
            <strong>{d.version}</strong>
          </Link>{' '}
          <Status value={d.status} />{' '}
          <span className="muted">
            {d.strategy}, {when(d.created_at)}
          </span>
          <ol className="batches">
            {d.batches.map((b) => (
              <li key={b.number}>
                batch {b.number} ({b.percent} %) <Status value={b.status} />
              </li>
            ))}
          </ol>
        </div>
      ))}
    </Section>
  );
}
