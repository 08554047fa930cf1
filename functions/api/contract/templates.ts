/** The contract of the template routes (`GET /templates`, `GET /templates/{name}`): templates as answered. */
import { TemplateName } from '../../domain/names.ts';
import * as z from '../../platform/zod.ts';

/**
 * Every schema below is built inside `define`, so that esbuild can drop the ones a Lambda
 * does not use; see the same function in `common.ts` (esbuild honours the annotation only in
 * the module that declares it, so each module has its own).
 */
/* @__NO_SIDE_EFFECTS__ */
function define<T>(build: () => T): T {
  return build();
}

export const TemplateStack = define(() =>
  z.withMeta(
    z.object({
      name: z.string(),
      description: z.string(),
      depends_on: z.array(z.string()),
      layer: z.number().check(z.int()),
      resource_types: z.array(z.string()),
      estimated_duration_seconds: z.object({ min: z.number(), max: z.number() }),
      estimated_monthly_cost_usd: z.number(),
    }),
    { id: 'TemplateStack' },
  ),
);

export const TemplateSummary = define(() =>
  z.withMeta(
    z.object({
      name: z.string(),
      description: z.string(),
      version: z.string(),
      stacks: z.number().check(z.int()),
      layers: z.number().check(z.int()),
    }),
    { id: 'TemplateSummary' },
  ),
);

export const TemplateDetail = define(() =>
  z.withMeta(
    z.object({
      name: z.string(),
      description: z.string(),
      version: z.string(),
      stacks: z.array(TemplateStack),
      layers: z.array(z.array(z.string())),
      parameters: z.record(
        z.string(),
        z.object({
          type: z.string(),
          required: z.boolean(),
          default: z.unknown(),
          description: z.string(),
          allowed: z.optional(z.array(z.unknown())),
        }),
      ),
    }),
    { id: 'TemplateDetail' },
  ),
);

export const TemplateList = define(() =>
  z.withMeta(z.object({ items: z.array(TemplateSummary), next_cursor: z.null() }), { id: 'TemplateList' }),
);

export const TemplatePath = define(() => z.strictObject({ name: TemplateName }));
