/** The contract of the `previews` routes: pull-request preview environments (docs/decisions.md §46). */
import { DeploymentId, EnvironmentId, OperationId, ProjectId } from '../../domain/names.ts';
import { ENVIRONMENT_STATUSES } from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';
import { page, Timestamp } from './common.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts`.
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

const settingsFields = () => ({
  project_id: ProjectId,
  enabled: z.boolean(),
  template: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  ttl_hours: z.number().check(z.int()),
  repository: z.string(),
  hook_url: z.withMeta(z.string(), {
    description:
      'The Payload URL to give GitHub (repository Settings → Webhooks): this project’s hook, as you reached the API',
    example:
      'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/hooks/github/prj_01jd8x3k5m7n9p1q3r5s7t9v1w',
  }),
  secret_set: z.withMeta(z.boolean(), {
    description: 'Whether a Git host secret exists (POST …/previews/secret makes or replaces it)',
  }),
  secret_rotated_at: z.nullable(Timestamp),
  updated_at: Timestamp,
});

/** A project's preview settings: never the secret. */
export const PreviewSettings = define(() =>
  z.withMeta(z.object(settingsFields()), { id: 'PreviewSettings' }),
);

/** The answer of a secret's generation: the only place it appears. */
export const PreviewSettingsWithSecret = define(() =>
  z.withMeta(
    z.object({
      ...settingsFields(),
      secret: z.withMeta(z.string(), {
        description:
          'The Git host secret (64 hex digits) to give GitHub; shown only in this answer — generate a new one if it is lost',
        example: '9f2c…',
      }),
    }),
    { id: 'PreviewSettingsWithSecret' },
  ),
);

/** The hook's path: any string, so an unknown or malformed project is the same 401 as a bad signature. */
export const HookPath = define(() =>
  z.strictObject({ project_id: z.string().check(z.minLength(1), z.maxLength(64)) }),
);

export const HookOutcome = define(() =>
  z.withMeta(
    z.object({
      delivery_id: z.withMeta(z.string(), { description: 'The `X-GitHub-Delivery` header' }),
      action: z.withMeta(z.enum(['pong', 'created', 'deploying', 'destroying', 'recorded', 'ignored']), {
        description:
          '`pong`: a ping; `created`: the preview environment is being provisioned (its head SHA is deployed once it runs); `deploying`: the head SHA is being deployed; `destroying`: the preview is being destroyed; `recorded`: the environment is busy, the wish is done once it settles; `ignored`: nothing to do (`reason` says why)',
      }),
      reason: z.optional(z.string()),
      pull_request: z.optional(z.number().check(z.int())),
      environment_id: z.optional(EnvironmentId),
      operation_id: z.optional(OperationId),
      deployment_id: z.optional(DeploymentId),
    }),
    { id: 'GitHubHookOutcome' },
  ),
);

export const Preview = define(() =>
  z.withMeta(
    z.object({
      number: z.number().check(z.int()),
      environment_id: EnvironmentId,
      name: z.string(),
      status: z.withMeta(z.nullable(z.enum(ENVIRONMENT_STATUSES)), {
        description: 'The environment’s status; null if it could not be created',
      }),
      version: z.withMeta(z.nullable(z.string()), {
        description: 'The SHA the environment runs (its last successful deployment)',
      }),
      wanted_sha: z.withMeta(z.string(), { description: 'The pull request’s head SHA' }),
      branch: z.string(),
      url: z.string(),
      repository: z.string(),
      closed: z.boolean(),
      base_url: z.nullable(z.string()),
      expires_at: z.nullable(Timestamp),
      updated_at: Timestamp,
    }),
    { id: 'Preview' },
  ),
);

export const PreviewPage = define(() => page(Preview, 'PreviewPage'));
