/** The contract of the `insights` routes: the audit trail, lifecycle events and metrics. */
import { EnvironmentId, OperationId, ProjectId } from '../../domain/names.ts';
import {
  AUDIT_OUTCOMES,
  ENVIRONMENT_STATUSES,
  EVENT_TYPES,
  METRICS_PERIODS,
} from '../../domain/vocabulary.ts';
import * as z from '../../platform/zod.ts';
import { Role } from './auth.ts';
import { PageQuery, page, Timestamp } from './common.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

export const AuditEntry = define(() =>
  z.withMeta(
    z.object({
      id: z.string(),
      timestamp: Timestamp,
      actor_id: z.string(),
      actor_email: z.nullable(z.string()),
      role: Role,
      /** The route's operation id, e.g. `deleteEnvironment`. */
      action: z.string(),
      method: z.string(),
      path: z.string(),
      /** The resource acted on (`env_…`, `prj_…`, `op_…`), when there is one. */
      resource_id: z.nullable(z.string()),
      status: z.number().check(z.int()),
      outcome: z.enum(AUDIT_OUTCOMES),
      request_id: z.string(),
    }),
    { id: 'AuditEntry' },
  ),
);

export const AuditPage = define(() => page(AuditEntry, 'AuditPage'));

export const ListAuditQuery = define(() =>
  z.extend(PageQuery, {
    actor: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    resource: z.optional(
      z.string().check(z.regex(/^(prj|env|op|dep)_[0-9a-z]{26}$/, 'a prj_…, env_…, op_… or dep_… id')),
    ),
    since: z.optional(z.iso.datetime()),
  }),
);

export const EventTypeName = define(() => z.enum(EVENT_TYPES));

export const LifecycleEventSchema = define(() =>
  z.withMeta(
    z.object({
      id: z.withMeta(z.string(), { example: 'evt_01jd8x3k5m7n9p1q3r5s7t9v1w' }),
      /** `environment.running`, `operation.finished`, `deployment.rolled_back`, … */
      type: EventTypeName,
      /** The event's title on the EventBridge bus, e.g. `Environment Running`. */
      detail_type: z.string(),
      time: Timestamp,
      environment_id: EnvironmentId,
      project_id: ProjectId,
      owner_id: z.string(),
      operation_id: z.nullable(OperationId),
      deployment_id: z.nullable(z.string()),
      /** What happened: statuses, error, duration, version, … depending on the type. */
      detail: z.record(z.string(), z.unknown()),
    }),
    { id: 'Event' },
  ),
);

export const EventPage = define(() => page(LifecycleEventSchema, 'EventPage'));

export const ListEventsQuery = define(() =>
  z.extend(PageQuery, {
    environment_id: z.optional(EnvironmentId),
    type: z.optional(EventTypeName),
    since: z.optional(z.iso.datetime()),
  }),
);

export const MetricsPeriod = define(() => z.enum(METRICS_PERIODS));

const counts = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number()])) as Record<K, z.ZodMiniNumber<number>>);

export const MetricsQuery = define(() => z.strictObject({ period: z._default(MetricsPeriod, '24h') }));

export const Metrics = define(() =>
  z.withMeta(
    z.object({
      period: MetricsPeriod,
      /** Start of the first hour counted: a period is its most recent whole hours plus the current one. */
      from: Timestamp,
      to: Timestamp,
      operations: counts(['started', 'succeeded', 'failed', 'cancelled'] as const),
      /** Mean duration of the provisions that succeeded in the period; null when there were none. */
      average_provisioning_seconds: z.nullable(z.number()),
      provisions_succeeded: z.number(),
      /** Live environments per status now (not limited to the period). */
      environments_by_status: counts(ENVIRONMENT_STATUSES),
      deployments: counts(['started', 'succeeded', 'failed', 'rolled_back'] as const),
    }),
    { id: 'Metrics' },
  ),
);
