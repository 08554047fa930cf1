/** Environments: filters by project, status and type, pages of 20 (the API's cursors). */
import { useState } from 'react';
import { environmentStatusValues, environmentTypeValues } from '../../../cli/api/enums.ts';
import { api, type Schemas, unwrap } from '../api.ts';
import { Link } from '../router.tsx';
import { ErrorBox, Pager, Section, Status, usd, useCanWrite, useLoad, when } from '../ui.tsx';

type Environment = Schemas['Environment'];
const PAGE = 20;

export function Environments({ initialProject }: { initialProject: string | undefined }) {
  const canWrite = useCanWrite();
  const [project, setProject] = useState(initialProject ?? '');
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  // The cursors of the pages before this one (the API pages forward only).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const projects = useLoad(
    async () => unwrap(await api.GET('/projects', { params: { query: { limit: 100 } } })),
    'p',
  );
  const page = useLoad(
    async () =>
      unwrap(
        await api.GET('/environments', {
          params: {
            query: {
              limit: PAGE,
              ...(cursor ? { cursor } : {}),
              ...(project ? { project_id: project } : {}),
              ...(status ? { status: status as Environment['status'] } : {}),
              ...(type ? { type: type as Environment['type'] } : {}),
            },
          },
        }),
      ),
    `${project}|${status}|${type}|${cursor ?? ''}`,
  );
  const projectName = new Map(projects.data?.items.map((p) => [p.id, p.name]));
  const filter = (set: (value: string) => void) => (value: string) => {
    set(value);
    setCursors([undefined]);
  };

  return (
    <Section
      title="Environments"
      actions={
        canWrite ? (
          <Link className="button" to={`/environments/new${project ? `?project_id=${project}` : ''}`}>
            New environment
          </Link>
        ) : null
      }
    >
      <div className="filters">
        <label>
          Project
          <select value={project} onChange={(e) => filter(setProject)(e.target.value)}>
            <option value="">All projects</option>
            {projects.data?.items.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => filter(setStatus)(e.target.value)}>
            <option value="">Any status</option>
            {environmentStatusValues.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => filter(setType)(e.target.value)}>
            <option value="">Any type</option>
            {environmentTypeValues.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox message={page.error} />
      {page.data && page.data.items.length === 0 ? <p>No environments match.</p> : null}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Project</th>
              <th scope="col">Template</th>
              <th scope="col">Cost / month</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((env) => (
              <tr key={env.id}>
                <td>
                  <Link to={`/environments/${env.id}`}>{env.name}</Link>
                </td>
                <td>
                  <Status value={env.status} />
                </td>
                <td>{projectName.get(env.project_id) ?? env.project_id}</td>
                <td>{env.template}</td>
                <td>{usd(env.estimated_monthly_cost_usd)}</td>
                <td>{env.type === 'persistent' ? 'never' : when(env.expires_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager cursors={cursors} setCursors={setCursors} next={page.data?.next_cursor} />
    </Section>
  );
}
