/**
 * The HTTP contract as zod schemas, one file per capability (`auth.ts`, `projects.ts`,
 * `environments.ts`, `stacks.ts`, `operations.ts`, `deployments.ts`, `templates.ts`,
 * `insights.ts`; this one holds what every route shares). Path and query parameters and
 * answers are parsed and documented with these; request bodies are the domain's inputs
 * (`functions/domain/inputs.ts`, `parameters.ts`, `validation-documents.ts`), and enums are
 * built from the domain's vocabulary (`functions/domain/vocabulary.ts`). The OpenAPI
 * document is generated from the same schemas, so the two cannot drift apart.
 *
 * `z.withMeta(schema, { id })` names a schema as an OpenAPI component.
 */
import * as z from '../../platform/zod.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use. zod annotates its functions as free of side effects, but esbuild honours such
 * an annotation only in the module that declares the function (evanw/esbuild#4369): here every
 * `z.…()` call could do anything, and an unused schema would stay. A call of this function,
 * annotated in this module, whose only argument is a function, has no side effect esbuild
 * can see. Every module that defines schemas has its own copy, for the same reason.
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

export const Timestamp = define(() =>
  z.withMeta(z.string(), { format: 'date-time', example: '2026-11-22T10:00:00.000Z' }),
);

/** Pagination query parameters shared by every list route. */
export const PageQuery = define(() =>
  z.strictObject({
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  }),
);

/** A page of `item`s, named `name` as a component (`page` itself is called inside a `define`). */
export const page = <T extends z.ZodMiniType>(item: T, name: string) =>
  z.withMeta(z.object({ items: z.array(item), next_cursor: z.nullable(z.string()) }), { id: name });

/** `?dry_run=true`: answer the plan (200) and change nothing. */
export const DryRunQuery = define(() => z.strictObject({ dry_run: z.optional(z.enum(['true', 'false'])) }));

// ---------------------------------------------------------------- errors, health

export const ErrorResponse = define(() =>
  z.withMeta(
    z.object({
      detail: z.string(),
      error_code: z.string(),
      request_id: z.string(),
      timestamp: Timestamp,
      errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
    }),
    { id: 'Error' },
  ),
);

export const HealthResponse = define(() =>
  z.withMeta(z.object({ status: z.literal('ok'), version: z.string(), timestamp: Timestamp }), {
    id: 'Health',
  }),
);
