/**
 * What the use cases accept, as zod schemas: creating and changing projects, environments
 * and their manifests, and deployments. Parsing with one of these is the whole check of
 * its shape and bounds (strict objects, bounded strings and lists, defaults filled in); the
 * use cases check the rest against the records. The HTTP contract takes them as request
 * bodies: each keeps the OpenAPI component name it has always had (`…Request`).
 *
 * Each schema and the type of what it parses share a name: `CreateEnvironmentInput`.
 */
import * as z from '../platform/zod.ts';
import {
  AccountId,
  DeploymentVersion,
  EnvironmentId,
  EnvironmentName,
  ProjectName,
  Region,
  StackName,
  TemplateName,
} from './names.ts';
import { Rate, TemplateParameters } from './parameters.ts';
import { REPOSITORY_PATTERN } from './preview-rules.ts';
import {
  APPROVABLE_OPERATION_KINDS,
  APPROVAL_DEFAULT_KINDS,
  DEPLOYMENT_STRATEGIES,
  ENVIRONMENT_TYPES,
  EVENT_TYPES,
  ON_FAILURE_POLICIES,
  SERVICE_ACCOUNT_ROLES,
} from './vocabulary.ts';
import { isEventPattern } from './webhook-rules.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `names.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

export const EnvironmentType = define(() => z.enum(ENVIRONMENT_TYPES));
export const OnFailure = define(() => z.enum(ON_FAILURE_POLICIES));
export const DeploymentStrategy = define(() => z.enum(DEPLOYMENT_STRATEGIES));

// ---------------------------------------------------------------- service accounts

/** A project's service account (docs/decisions.md §44): a pipeline's identity, confined to the project. */
export const CreateServiceAccountInput = define(() =>
  z.withMeta(
    z.strictObject({
      name: z.withMeta(
        z
          .string()
          .check(
            z.minLength(1),
            z.maxLength(64),
            z.regex(
              /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
              'letters, digits, spaces, dots, hyphens and underscores',
            ),
          ),
        { example: 'github-actions' },
      ),
      role: z.enum(SERVICE_ACCOUNT_ROLES),
      expires_in_days: z._default(z.number().check(z.int(), z.gte(1), z.lte(365)), 90),
    }),
    { id: 'CreateServiceAccountRequest' },
  ),
);
export type CreateServiceAccountInput = z.infer<typeof CreateServiceAccountInput>;

// ---------------------------------------------------------------- webhooks

/** An event type, or a prefix of types ending in "." (docs/decisions.md §45). */
const WebhookEventPattern = define(() =>
  z.withMeta(
    z.string().check(
      z.refine(isEventPattern, {
        message: 'not a known event type nor a prefix of them ending in "." (e.g. "environment.")',
      }),
    ),
    { example: 'environment.' },
  ),
);

const WebhookEvents = define(() =>
  z.array(WebhookEventPattern).check(z.minLength(1), z.maxLength(EVENT_TYPES.length)),
);

const WebhookUrl = define(() =>
  z.withMeta(z.string().check(z.minLength(1), z.maxLength(2048)), {
    description:
      'https only; no credentials; never a private, loopback or link-local address (checked again after DNS resolution)',
    example: 'https://hooks.example.com/environments',
  }),
);

const WebhookDescription = define(() => z.nullable(z.string().check(z.maxLength(500))));

/** A project's outgoing webhook (docs/decisions.md §45). */
export const CreateWebhookInput = define(() =>
  z.withMeta(
    z.strictObject({
      url: WebhookUrl,
      events: WebhookEvents,
      description: z.optional(WebhookDescription),
    }),
    { id: 'CreateWebhookRequest' },
  ),
);
export type CreateWebhookInput = z.infer<typeof CreateWebhookInput>;

export const UpdateWebhookInput = define(() =>
  z.withMeta(
    z
      .strictObject({
        url: z.optional(WebhookUrl),
        events: z.optional(WebhookEvents),
        description: z.optional(WebhookDescription),
        enabled: z.optional(z.boolean()),
      })
      .check(
        z.refine(
          (v) =>
            v.url !== undefined ||
            v.events !== undefined ||
            v.description !== undefined ||
            v.enabled !== undefined,
          { message: 'give at least one of url, events, description, enabled' },
        ),
      ),
    { id: 'UpdateWebhookRequest' },
  ),
);
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookInput>;

// ---------------------------------------------------------------- projects

export const CreateProjectInput = define(() =>
  z.withMeta(
    z.strictObject({ name: ProjectName, description: z.optional(z.string().check(z.maxLength(500))) }),
    {
      id: 'CreateProjectRequest',
    },
  ),
);
export type CreateProjectInput = z.infer<typeof CreateProjectInput>;

/**
 * Which operation kinds of the project's protected environments wait for an approval, and who
 * besides Administrators may give it (user ids, as `GET /me` shows them).
 */
export const ApprovalPolicyInput = define(() =>
  z.withMeta(
    z.strictObject({
      operations: z._default(
        z.array(z.enum(APPROVABLE_OPERATION_KINDS)).check(z.maxLength(APPROVABLE_OPERATION_KINDS.length)),
        [...APPROVAL_DEFAULT_KINDS],
      ),
      approvers: z._default(
        z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(50)),
        [],
      ),
    }),
    { id: 'ApprovalPolicy' },
  ),
);
export type ApprovalPolicyInput = z.infer<typeof ApprovalPolicyInput>;

export const UpdateProjectInput = define(() =>
  z.withMeta(
    z
      .strictObject({
        name: z.optional(ProjectName),
        description: z.optional(z.nullable(z.string().check(z.maxLength(500)))),
        /** Administrators only; `null` goes back to the defaults. */
        approval_policy: z.optional(z.nullable(ApprovalPolicyInput)),
      })
      .check(
        z.refine(
          (v) => v.name !== undefined || v.description !== undefined || v.approval_policy !== undefined,
          { message: 'give at least one of name, description, approval_policy' },
        ),
      ),
    { id: 'UpdateProjectRequest' },
  ),
);
export type UpdateProjectInput = z.infer<typeof UpdateProjectInput>;

// ---------------------------------------------------------------- environments

/** Scheduled drift checks: every `interval_hours`, by the sweeper; `remediate` redeploys drifted stacks. */
export const DriftCheck = define(() =>
  z.withMeta(
    z.strictObject({
      interval_hours: z.number().check(z.int(), z.gte(1), z.lte(720)),
      remediate: z._default(z.boolean(), false),
    }),
    { id: 'DriftCheck' },
  ),
);
export type DriftCheckInput = z.infer<typeof DriftCheck>;

export const CreateEnvironmentInput = define(() =>
  z.withMeta(
    z.strictObject({
      name: EnvironmentName,
      type: z._default(EnvironmentType, 'ephemeral'),
      template: z._default(TemplateName, 'default'),
      ttl_hours: z.optional(z.number().check(z.int(), z.gte(1), z.lte(8760))),
      region: z.optional(Region),
      account_id: z.optional(AccountId),
      parameters: z._default(TemplateParameters, {}),
      /** What a failed provision does: destroy what it created (`rollback`) or keep it (`keep`). */
      on_failure: z._default(OnFailure, 'rollback'),
      /** Scheduled drift checks (run by the sweeper), optionally remediated by a redeploy. */
      drift_check: z.optional(DriftCheck),
      /** Operations the project's approval policy names wait for an approver (persistent only). */
      protected: z.optional(z.boolean()),
    }),
    { id: 'CreateEnvironmentRequest' },
  ),
);
export type CreateEnvironmentInput = z.infer<typeof CreateEnvironmentInput>;

/** A change of an environment: new parameters, merged into the current ones (an update operation). */
export const UpdateEnvironmentInput = define(() =>
  z.withMeta(
    z
      .strictObject({
        parameters: z.optional(TemplateParameters),
        on_failure: z.optional(OnFailure),
        /** A new TTL of an ephemeral environment, counted from now. */
        ttl_hours: z.optional(z.number().check(z.int(), z.gte(1), z.lte(8760))),
        /** Or an explicit expiry (like Terraform Cloud's auto-destroy-at). */
        expires_at: z.optional(z.iso.datetime()),
        /** Scheduled drift checks; `null` turns them off. */
        drift_check: z.optional(z.nullable(DriftCheck)),
        /** `true` protects at once; `false` is an operation that needs approval. */
        protected: z.optional(z.boolean()),
      })
      .check(
        z.refine((v) => Object.values(v).some((value) => value !== undefined), {
          message:
            'give at least one of parameters, on_failure, ttl_hours, expires_at, drift_check, protected',
        }),
        z.refine((v) => v.ttl_hours === undefined || v.expires_at === undefined, {
          message: 'give ttl_hours or expires_at, not both',
          path: ['expires_at'],
        }),
      ),
    { id: 'UpdateEnvironmentRequest' },
  ),
);
export type UpdateEnvironmentInput = z.infer<typeof UpdateEnvironmentInput>;

/** A whole manifest of an environment, replacing the current one (validated like a create). */
export const PutManifestInput = define(() =>
  z.withMeta(
    z.strictObject({
      /** Optional: when given, it must be this environment's. */
      environment_id: z.optional(EnvironmentId),
      /** Optional: like If-Match (the header wins). */
      version: z.optional(z.number().check(z.int())),
      /** Must be the environment's template: a template cannot change. */
      template: TemplateName,
      /** Replaces the parameters: what is left out goes back to its default. */
      parameters: z._default(TemplateParameters, {}),
      on_failure: z.optional(OnFailure),
      /** Optional and read-only: when given, it must be the template's. */
      stacks: z.optional(
        z
          .array(
            z.strictObject({
              name: StackName,
              layer: z.optional(z.number().check(z.int())),
              depends_on: z.optional(z.array(StackName).check(z.maxLength(64))),
            }),
          )
          .check(z.maxLength(64)),
      ),
    }),
    { id: 'PutManifestRequest' },
  ),
);
export type PutManifestInput = z.infer<typeof PutManifestInput>;

// ---------------------------------------------------------------- deployments

export const DeploymentSimulate = define(() =>
  z.withMeta(
    z.strictObject({
      /** Chance (0–1) that a batch's health check fails (deterministic per deployment and batch). */
      health_check_failure_rate: z.optional(Rate),
      /** The health check of this batch (1-based) fails. */
      fail_at_batch: z.optional(z.number().check(z.int(), z.gte(1), z.lte(3))),
    }),
    { id: 'DeploymentSimulate' },
  ),
);

export const CreateDeploymentInput = define(() =>
  z.withMeta(
    z.strictObject({
      version: DeploymentVersion,
      /** `rolling`: 25 %, 50 %, 100 % of instances with a health check after each; `all_at_once`: one batch. */
      strategy: z._default(DeploymentStrategy, 'rolling'),
      simulate: z.optional(DeploymentSimulate),
    }),
    { id: 'CreateDeploymentRequest' },
  ),
);
export type CreateDeploymentInput = z.infer<typeof CreateDeploymentInput>;

/** A project's pull-request preview settings (docs/decisions.md §46). */
export const PreviewSettingsInput = define(() =>
  z.withMeta(
    z.strictObject({
      enabled: z._default(z.boolean(), true),
      /** The template every preview is created from (one of the catalog's). */
      template: TemplateName,
      /** Template parameters, validated like an environment's create. */
      parameters: z._default(TemplateParameters, {}),
      /** Each preview's TTL: a stale PR's preview expires. */
      ttl_hours: z._default(z.number().check(z.int(), z.gte(1), z.lte(720)), 72),
      repository: z.withMeta(
        z.string().check(z.maxLength(140), z.regex(REPOSITORY_PATTERN, 'must be a GitHub owner/name')),
        {
          description: 'The GitHub repository (`owner/name`) whose pull requests get previews',
          example: 'acme/shop',
        },
      ),
    }),
    { id: 'PreviewSettingsRequest' },
  ),
);
export type PreviewSettingsInput = z.infer<typeof PreviewSettingsInput>;

/**
 * What the hook reads of a GitHub `pull_request` event's payload (everything else is left
 * alone: a loose object). A SHA is 40 (SHA-1) or 64 (SHA-256) hex digits.
 */
export const PullRequestPayload = define(() =>
  z.withMeta(
    z.object({
      action: z.string().check(z.maxLength(64)),
      number: z.number().check(z.int(), z.gte(1)),
      pull_request: z.object({
        html_url: z.string().check(z.maxLength(2048)),
        head: z.object({
          ref: z.string().check(z.minLength(1), z.maxLength(255)),
          sha: z.string().check(z.regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a commit SHA')),
        }),
      }),
      repository: z.object({ full_name: z.string().check(z.maxLength(140)) }),
      sender: z.optional(z.object({ login: z.string().check(z.maxLength(100)) })),
    }),
    {
      id: 'GitHubPullRequestEvent',
      description:
        'A GitHub `pull_request` event payload (only these fields are read; the others are allowed and ignored)',
    },
  ),
);
export type PullRequestPayload = z.infer<typeof PullRequestPayload>;
