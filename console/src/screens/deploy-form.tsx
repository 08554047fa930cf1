/**
 * "Deploy a version" on a running environment's page: the version and the strategy
 * (POST /environments/{env_id}/deployments), then the deployment's live view. The environment
 * page shows it only to users who may write, and only while the environment is running.
 */
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../api.ts';
import { navigate } from '../router.tsx';
import { ErrorBox, Section } from '../ui.tsx';

type Strategy = NonNullable<Schemas['CreateDeploymentRequest']['strategy']>;

export function DeployForm({ envId }: { envId: string }) {
  const [version, setVersion] = useState('');
  const [strategy, setStrategy] = useState<Strategy>('rolling');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <Section title="Deploy a version">
      <form
        className="inline-form"
        aria-label="Deploy a version"
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          void (async () => {
            try {
              const deployment = unwrap(
                await api.POST('/environments/{env_id}/deployments', {
                  params: { path: { env_id: envId } },
                  body: { version: version.trim(), strategy },
                }),
              );
              navigate(`/deployments/${deployment.id}`);
            } catch (failure) {
              setError((failure as Error).message);
              setBusy(false);
            }
          })();
        }}
      >
        <label>
          Version
          <input
            required
            maxLength={128}
            placeholder="v1.4.2"
            value={version}
            onChange={(e) => setVersion(e.target.value)}
          />
        </label>
        <label>
          Strategy
          <select value={strategy} onChange={(e) => setStrategy(e.target.value as Strategy)}>
            <option value="rolling">rolling (25 %, 50 %, 100 %)</option>
            <option value="all_at_once">all at once</option>
          </select>
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Deploying…' : 'Deploy'}
        </button>
      </form>
      <ErrorBox message={error} />
    </Section>
  );
}
