/** The console's shell: sign-in gate, the signed-in user (GET /me), navigation and the screens. */
import { api, unwrap } from './api.ts';
import { Link, match, useLocation } from './router.tsx';
import { Approvals } from './screens/approvals.tsx';
import { Audit } from './screens/audit.tsx';
import { CreateEnvironment } from './screens/create-environment.tsx';
import { DeploymentView } from './screens/deployment.tsx';
import { EnvironmentPage } from './screens/environment.tsx';
import { Environments } from './screens/environments.tsx';
import { Projects } from './screens/projects.tsx';
import { RunView } from './screens/run.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { Webhooks } from './screens/webhooks.tsx';
import { setSession, useSession } from './session.ts';
import { ErrorBox, MeContext, useLoad } from './ui.tsx';

function Screen({ path, admin }: { path: string; admin: boolean }) {
  const query = new URLSearchParams(path.split('?')[1] ?? '');
  const project = query.get('project_id') ?? undefined;
  const env = match('/environments/:id', path);
  const op = match('/operations/:id', path);
  const deployment = match('/deployments/:id', path);
  const hooks = match('/projects/:id/webhooks', path);
  if (match('/environments/new', path)) return <CreateEnvironment initialProject={project} />;
  if (env?.id) return <EnvironmentPage key={env.id} id={env.id} />;
  if (op?.id) return <RunView key={op.id} id={op.id} />;
  if (deployment?.id) return <DeploymentView key={deployment.id} id={deployment.id} />;
  if (hooks?.id) return <Webhooks key={hooks.id} projectId={hooks.id} />;
  if (match('/projects', path)) return <Projects />;
  if (match('/approvals', path)) return <Approvals />;
  if (admin && match('/audit', path)) return <Audit />;
  return <Environments key={project ?? ''} initialProject={project} />;
}

export function App() {
  const current = useSession();
  const path = useLocation();
  const me = useLoad(async () => (current ? unwrap(await api.GET('/me')) : null), current?.email ?? '');
  if (!current) return <SignIn />;
  return (
    <MeContext.Provider value={me.data ?? null}>
      <header className="top">
        <Link to="/" className="brand">
          Environments
        </Link>
        <nav aria-label="Main">
          <Link to="/">Environments</Link>
          <Link to="/projects">Projects</Link>
          <Link to="/approvals">Approvals</Link>
          {me.data?.role === 'Administrators' ? <Link to="/audit">Audit log</Link> : null}
          <a href="/v1/docs">API docs</a>
        </nav>
        <div className="who">
          <span>
            {current.email}
            {me.data ? ` (${me.data.role})` : ''}
          </span>
          <button type="button" onClick={() => setSession(null)}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        <ErrorBox message={me.error} />
        {me.data ? <Screen path={path} admin={me.data.role === 'Administrators'} /> : null}
      </main>
    </MeContext.Provider>
  );
}
