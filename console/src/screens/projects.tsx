/** Projects: the caller’s projects (with a link to their webhooks), and a form to create one (not for ReadOnly users). */
import { type FormEvent, useState } from 'react';
import { api, unwrap } from '../api.ts';
import { Link } from '../router.tsx';
import { ErrorBox, Section, useCanWrite, useLoad, when } from '../ui.tsx';

export function Projects() {
  const canWrite = useCanWrite();
  const projects = useLoad(
    async () => unwrap(await api.GET('/projects', { params: { query: { limit: 100 } } })),
    'projects',
  );
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();

  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      unwrap(await api.POST('/projects', { body: { name } }));
      setName('');
      setError(undefined);
      projects.reload();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <Section title="Projects">
      <ErrorBox message={projects.error} />
      {projects.data && projects.data.items.length === 0 ? <p>No projects yet.</p> : null}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Live environments</th>
              <th scope="col">Created</th>
              {canWrite ? <th scope="col">Webhooks</th> : null}
            </tr>
          </thead>
          <tbody>
            {projects.data?.items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/environments?project_id=${p.id}`}>{p.name}</Link>
                  {p.description ? <div className="muted">{p.description}</div> : null}
                </td>
                <td>{p.live_environments}</td>
                <td>{when(p.created_at)}</td>
                {canWrite ? (
                  <td>
                    <Link to={`/projects/${p.id}/webhooks`} aria-label={`Webhooks of ${p.name}`}>
                      Webhooks
                    </Link>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canWrite ? (
        <form onSubmit={create} className="inline-form" aria-label="New project">
          <label>
            New project
            <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="payments" />
          </label>
          <button type="submit">Create project</button>
          <ErrorBox message={error} />
        </form>
      ) : null}
    </Section>
  );
}
