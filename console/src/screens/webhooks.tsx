/**
 * A project's webhooks (issue 15, docs/decisions.md §45), for its owner and Administrators
 * (anyone else gets the API's 403 or 404 as an error): the list (never a secret), a form that
 * registers one and shows its secret once, and per webhook *Send test* (the ping's delivery in a
 * status line), *Enable* / *Disable*, *Delete* and its deliveries with *Redeliver*.
 */
import { type FormEvent, useState } from 'react';
import { api, type Schemas, unwrap } from '../api.ts';
import { ErrorBox, Section, Status, useLoad, when } from '../ui.tsx';

type Delivery = Schemas['WebhookDelivery'];

/** One line for an attempt just made: what the receiver answered, and how fast. */
export function attemptText(delivery: Delivery): string {
  const attempt = delivery.attempts.at(-1);
  if (!attempt) return `${delivery.event_type}: ${delivery.status}`;
  const answer =
    attempt.response_code === null ? (attempt.error ?? 'no answer') : `HTTP ${attempt.response_code}`;
  return `${delivery.event_type} ${attempt.status}: ${answer} in ${attempt.duration_ms} ms`;
}

function Deliveries({
  projectId,
  webhookId,
  refresh,
  onSent,
}: {
  projectId: string;
  webhookId: string;
  refresh: number;
  onSent: (message: string) => void;
}) {
  const path = { project_id: projectId, webhook_id: webhookId };
  const [tick, setTick] = useState(0);
  const page = useLoad(
    async () =>
      unwrap(
        await api.GET('/projects/{project_id}/webhooks/{webhook_id}/deliveries', {
          params: { path, query: { limit: 100 } },
        }),
      ),
    `${webhookId}|${refresh}|${tick}`,
  );
  const [error, setError] = useState<string>();

  async function redeliver(delivery_id: string) {
    try {
      const delivery = unwrap(
        await api.POST('/projects/{project_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver', {
          params: { path: { ...path, delivery_id } },
        }),
      );
      setError(undefined);
      onSent(`Redelivered ${delivery.id}: ${attemptText(delivery)}`);
      setTick((t) => t + 1);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  const items = page.data?.items ?? [];
  return (
    <div className="table-wrap">
      <ErrorBox message={page.error ?? error} />
      {page.data && items.length === 0 ? <p className="muted">No deliveries yet.</p> : null}
      {items.length > 0 ? (
        <table aria-label={`Deliveries of ${webhookId}`}>
          <thead>
            <tr>
              <th scope="col">Delivery</th>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last code</th>
              <th scope="col">Next retry</th>
              <th scope="col">Last attempt</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => {
              const last = d.attempts.at(-1);
              return (
                <tr key={d.id} data-delivery={d.id}>
                  <td className="mono">{d.id}</td>
                  <td>{d.event_type}</td>
                  <td>
                    <Status value={d.status} />
                  </td>
                  <td>{d.attempts.length}</td>
                  <td>{last?.response_code ?? '—'}</td>
                  <td>{when(last?.next_retry_at)}</td>
                  <td>{when(last?.at)}</td>
                  <td>
                    <button type="button" onClick={() => redeliver(d.id)}>
                      Redeliver
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

export function Webhooks({ projectId }: { projectId: string }) {
  const project = useLoad(
    async () =>
      unwrap(await api.GET('/projects/{project_id}', { params: { path: { project_id: projectId } } })),
    projectId,
  );
  const [tick, setTick] = useState(0);
  const hooks = useLoad(
    async () =>
      unwrap(
        await api.GET('/projects/{project_id}/webhooks', {
          params: { path: { project_id: projectId }, query: { limit: 100 } },
        }),
      ),
    `${projectId}|${tick}`,
  );
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('environment.');
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState<{ id: string; secret: string }>();
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [sent, setSent] = useState(0);

  /** Runs a change, then shows its message (or the API's error) and reloads the list. */
  async function act(change: () => Promise<string | undefined>) {
    try {
      const said = await change();
      setError(undefined);
      if (said !== undefined) setMessage(said);
      setTick((t) => t + 1);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    await act(async () => {
      const created = unwrap(
        await api.POST('/projects/{project_id}/webhooks', {
          params: { path: { project_id: projectId } },
          body: {
            url,
            events: events
              .split(/[\s,]+/)
              .map((e) => e.trim())
              .filter(Boolean),
            ...(description ? { description } : {}),
          },
        }),
      );
      setSecret({ id: created.id, secret: created.secret });
      setUrl('');
      setDescription('');
      return `Registered ${created.id}.`;
    });
  }

  const path = (webhook_id: string) => ({ params: { path: { project_id: projectId, webhook_id } } });
  const items = hooks.data?.items ?? [];
  const name = project.data?.name ?? projectId;

  return (
    <Section title={`Webhooks of ${name}`}>
      <p className="muted">
        Signed lifecycle events (Standard Webhooks) POSTed to your endpoints; each delivery and attempt is
        recorded.
      </p>
      {message ? (
        <p className="notice" role="status">
          {message}
        </p>
      ) : null}
      {secret ? (
        <div className="notice" data-testid="webhook-secret">
          <p>
            The signing secret of <span className="mono">{secret.id}</span>, shown only now: store it where
            your receiver verifies signatures.
          </p>
          <pre>{secret.secret}</pre>
          <button type="button" onClick={() => setSecret(undefined)}>
            I have stored it
          </button>
        </div>
      ) : null}
      <ErrorBox message={project.error ?? hooks.error ?? error} />
      {hooks.data && items.length === 0 ? <p className="muted">No webhooks yet.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table aria-label="Webhooks">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Enabled</th>
                <th scope="col">Description</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr key={w.id} data-webhook={w.id}>
                  <td>
                    <span className="mono">{w.url}</span>
                    <div className="muted mono">{w.id}</div>
                  </td>
                  <td className="mono">{w.events.join(', ')}</td>
                  <td>{w.enabled ? 'yes' : 'no'}</td>
                  <td>{w.description ?? '—'}</td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        onClick={() =>
                          act(async () => {
                            const delivery = unwrap(
                              await api.POST('/projects/{project_id}/webhooks/{webhook_id}/test', path(w.id)),
                            );
                            setOpen(w.id);
                            setSent((n) => n + 1);
                            return `Ping ${delivery.id}: ${attemptText(delivery)}`;
                          })
                        }
                      >
                        Send test
                      </button>
                      <button type="button" onClick={() => setOpen(open === w.id ? undefined : w.id)}>
                        {open === w.id ? 'Hide deliveries' : 'Deliveries'}
                      </button>
                      <button
                        type="button"
                        onClick={() =>
                          act(async () => {
                            unwrap(
                              await api.PATCH('/projects/{project_id}/webhooks/{webhook_id}', {
                                ...path(w.id),
                                body: { enabled: !w.enabled },
                              }),
                            );
                            return `${w.enabled ? 'Disabled' : 'Enabled'} ${w.id}.`;
                          })
                        }
                      >
                        {w.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button
                        type="button"
                        className="danger"
                        onClick={() =>
                          act(async () => {
                            const { error: failed, response } = await api.DELETE(
                              '/projects/{project_id}/webhooks/{webhook_id}',
                              path(w.id),
                            );
                            if (!response.ok) unwrap({ error: failed, response });
                            if (open === w.id) setOpen(undefined);
                            return `Deleted ${w.id}.`;
                          })
                        }
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {open ? (
        <Section title={`Deliveries of ${items.find((w) => w.id === open)?.url ?? open}`}>
          <Deliveries projectId={projectId} webhookId={open} refresh={sent} onSent={setMessage} />
        </Section>
      ) : null}
      <form onSubmit={create} className="inline-form" aria-label="New webhook">
        <label>
          Endpoint URL
          <input
            required
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://hooks.example.com/envs"
          />
        </label>
        <label>
          Events
          <input
            required
            value={events}
            onChange={(e) => setEvents(e.target.value)}
            placeholder="environment., deployment.failed"
          />
        </label>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit">Register webhook</button>
      </form>
    </Section>
  );
}
