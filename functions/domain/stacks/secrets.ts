/**
 * Stack kind `secrets`: the Secrets Manager secrets of the application.
 */
import { monthly, PRICES } from '../prices.ts';
import { ALNUM } from '../random.ts';
import { type BuildContext, type Built, type BuiltResource, defineStack } from './kind.ts';
import { arnOf } from './naming.ts';
import { spec } from './specs.ts';

export const definition = defineStack({
  name: 'secrets',
  description: 'Secrets Manager secrets for application configuration and API keys',
  dependsOn: [],
  durationSeconds: { min: 10, max: 25 },
  destroyDurationSeconds: { min: 5, max: 15 },
  resources: [
    spec(
      'AppConfigSecret',
      'AWS::SecretsManager::Secret',
      'Application configuration',
      monthly(PRICES.secretMonth),
    ),
    spec('ApiKeysSecret', 'AWS::SecretsManager::Secret', 'Third-party API keys', monthly(PRICES.secretMonth)),
  ],
  outputs: [
    'app_secret_name',
    'app_secret_arn',
    'api_keys_secret_name',
    'api_keys_secret_arn',
    'secret_arns',
  ],
});

function secret(s: BuildContext, name: string, description: string): BuiltResource {
  const arn = arnOf(s, 'secretsmanager', `secret:${name}-${s.rng.string(ALNUM, 6)}`);
  return {
    id: arn,
    arn,
    properties: { Name: name, Description: description, KmsKeyId: 'alias/aws/secretsmanager' },
  };
}

export function build(s: BuildContext): Built {
  const app = secret(s, `${s.stem}/app/config`, 'Application configuration');
  const keys = secret(s, `${s.stem}/app/api-keys`, 'Third-party API keys');
  return {
    resources: { AppConfigSecret: app, ApiKeysSecret: keys },
    outputs: {
      app_secret_name: app.properties.Name,
      app_secret_arn: app.arn,
      api_keys_secret_name: keys.properties.Name,
      api_keys_secret_arn: keys.arn,
      secret_arns: [app.arn, keys.arn],
    },
  };
}
