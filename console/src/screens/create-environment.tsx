/**
 * Create an environment from a template: a form generated from the template's parameter
 * schema (GET /templates/{name}), then the plan (POST …?dry_run=true: stacks by layer, cost,
 * duration) shown before confirming; the confirmed run opens in the live run view. A persistent
 * one can be protected: its operations then wait for an approval.
 */
import { type FormEvent, useState } from 'react';
import { api, type Schemas, unwrap } from '../api.ts';
import { navigate } from '../router.tsx';
import { duration, ErrorBox, Section, usd, useLoad } from '../ui.tsx';

type Parameter = Schemas['TemplateDetail']['parameters'][string];
type Body = Schemas['CreateEnvironmentRequest'];

/** A form value as the parameter's type wants it; JSON for objects and arrays. */
function parse(parameter: Parameter, raw: string): unknown {
  if (parameter.type === 'number' || parameter.type === 'integer') return Number(raw);
  if (parameter.type === 'boolean') return raw === 'true';
  if (parameter.type === 'object' || parameter.type === 'array') return JSON.parse(raw);
  return raw;
}

function initial(parameter: Parameter): string {
  if (parameter.default === undefined || parameter.default === null) return '';
  return typeof parameter.default === 'object'
    ? JSON.stringify(parameter.default)
    : String(parameter.default);
}

export function CreateEnvironment({ initialProject }: { initialProject: string | undefined }) {
  const projects = useLoad(
    async () => unwrap(await api.GET('/projects', { params: { query: { limit: 100 } } })),
    'p',
  );
  const templates = useLoad(async () => unwrap(await api.GET('/templates')), 't');
  const [project, setProject] = useState(initialProject ?? '');
  const [template, setTemplate] = useState('default');
  const detail = useLoad(
    async () => unwrap(await api.GET('/templates/{name}', { params: { path: { name: template } } })),
    template,
  );
  const [name, setName] = useState('');
  const [type, setType] = useState<'ephemeral' | 'persistent'>('ephemeral');
  const [ttl, setTtl] = useState('24');
  const [protect, setProtect] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const [plan, setPlan] = useState<Schemas['Plan']>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const chosenProject = project || projects.data?.items[0]?.id || '';
  const parameters = Object.entries(detail.data?.parameters ?? {});

  function body(): Body {
    const given: Record<string, unknown> = {};
    for (const [key, parameter] of parameters) {
      const raw = values[key];
      if (raw === undefined || raw.trim() === '') continue;
      try {
        given[key] = parse(parameter, raw);
      } catch {
        throw new Error(`${key}: not valid JSON`);
      }
    }
    return {
      name,
      template,
      type,
      ...(type === 'ephemeral' ? { ttl_hours: Number(ttl) } : {}),
      ...(type === 'persistent' && protect ? { protected: true } : {}),
      parameters: given as Body['parameters'],
    };
  }

  async function send(dryRun: boolean) {
    setBusy(true);
    setError(undefined);
    try {
      const answer = unwrap(
        await api.POST('/projects/{project_id}/environments', {
          params: { path: { project_id: chosenProject }, query: { dry_run: dryRun ? 'true' : 'false' } },
          body: body(),
        }),
      );
      if (dryRun) setPlan(answer as Schemas['Plan']);
      else navigate(`/operations/${(answer as Schemas['AcceptedEnvironment']).operation.id}`);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function review(event: FormEvent) {
    event.preventDefault();
    void send(true);
  }

  return (
    <Section title="New environment">
      <form
        className="form"
        onSubmit={review}
        aria-label="New environment"
        onChange={() => setPlan(undefined)}
      >
        <label>
          Project
          <select required value={chosenProject} onChange={(e) => setProject(e.target.value)}>
            {projects.data?.items.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Template
          <select value={template} onChange={(e) => setTemplate(e.target.value)}>
            {templates.data?.items.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} — {t.stacks} stacks in {t.layers} layers
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input
            required
            pattern="[a-z0-9][a-z0-9-]*"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value as 'ephemeral' | 'persistent')}>
            <option>ephemeral</option>
            <option>persistent</option>
          </select>
        </label>
        {type === 'ephemeral' ? (
          <label>
            TTL (hours)
            <input type="number" min={1} max={720} value={ttl} onChange={(e) => setTtl(e.target.value)} />
          </label>
        ) : null}
        <label className="check">
          <input
            type="checkbox"
            checked={type === 'persistent' && protect}
            disabled={type !== 'persistent'}
            onChange={(e) => setProtect(e.target.checked)}
          />
          Protected (approvals required)
          <span className="muted">
            {type === 'persistent'
              ? ' Deleting or changing it waits for an approver'
              : ' Persistent environments only'}
          </span>
        </label>
        <fieldset>
          <legend>Parameters of {template}</legend>
          {parameters.map(([key, parameter]) => (
            <div key={key} className="field">
              <label htmlFor={`param-${key}`}>
                {key}
                {parameter.required ? ' (required)' : ''}
              </label>
              {parameter.allowed ? (
                <select
                  id={`param-${key}`}
                  value={values[key] ?? initial(parameter)}
                  onChange={(e) => setValues((v) => ({ ...v, [key]: e.target.value }))}
                >
                  {parameter.allowed.map((a) => (
                    <option key={String(a)}>{String(a)}</option>
                  ))}
                </select>
              ) : (
                <input
                  id={`param-${key}`}
                  name={key}
                  required={parameter.required}
                  placeholder={initial(parameter)}
                  value={values[key] ?? ''}
                  onChange={(e) => setValues((v) => ({ ...v, [key]: e.target.value }))}
                />
              )}
              <span className="muted">
                {parameter.description} ({parameter.type})
              </span>
            </div>
          ))}
        </fieldset>
        <ErrorBox message={error} />
        <button type="submit" disabled={busy || !chosenProject}>
          Review the plan
        </button>
      </form>
      {plan ? (
        <section className="plan" aria-label="Plan">
          <h3>Plan</h3>
          <p data-testid="plan-summary">
            {plan.stack_count} stacks in {plan.layers.length} layers, {usd(plan.estimated_monthly_cost_usd)} /
            month, about {duration(plan.expected_duration_seconds * 1000)}
          </p>
          <ol className="plan-layers">
            {plan.layers.map((layer) => (
              <li key={layer.position}>
                Layer {layer.position}:{' '}
                {layer.stacks
                  .map((s) => `${s.name} (${usd(s.estimated_monthly_cost_usd)}, ~${s.estimated_seconds} s)`)
                  .join(', ')}
              </li>
            ))}
          </ol>
          {plan.note ? <p className="muted">{plan.note}</p> : null}
          <button type="button" disabled={busy} onClick={() => void send(false)}>
            Create environment
          </button>
        </section>
      ) : null}
    </Section>
  );
}
