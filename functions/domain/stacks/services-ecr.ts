/**
 * Stack kind `services-ecr`: the image repositories of the API and worker services.
 */
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { registryUri, repository } from './resources.ts';
import { spec } from './specs.ts';

export const definition = defineStack({
  name: 'services-ecr',
  description: 'ECR repositories for the API and worker service images',
  dependsOn: [],
  durationSeconds: { min: 10, max: 25 },
  destroyDurationSeconds: { min: 5, max: 15 },
  resources: [
    spec('ApiRepository', 'AWS::ECR::Repository', 'Image repository of the API service'),
    spec('WorkerRepository', 'AWS::ECR::Repository', 'Image repository of the worker service'),
  ],
  outputs: [
    'registry_id',
    'registry_uri',
    'api_repository_name',
    'api_repository_uri',
    'api_repository_arn',
    'worker_repository_name',
    'worker_repository_uri',
    'worker_repository_arn',
  ],
});

export function build(s: BuildContext): Built {
  const api = repository(s, `${s.stem}/api`);
  const worker = repository(s, `${s.stem}/worker`);
  return {
    resources: { ApiRepository: api, WorkerRepository: worker },
    outputs: {
      registry_id: s.account,
      registry_uri: registryUri(s),
      api_repository_name: api.id,
      api_repository_uri: `${registryUri(s)}/${api.id}`,
      api_repository_arn: api.arn,
      worker_repository_name: worker.id,
      worker_repository_uri: `${registryUri(s)}/${worker.id}`,
      worker_repository_arn: worker.arn,
    },
  };
}
