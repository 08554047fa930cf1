/**
 * fast-check arbitraries for the contract fuzz test (contract-fuzz.test.ts), built from the
 * served OpenAPI document: values that follow a JSON Schema (the subset the document uses:
 * type, enum, const, pattern, format, bounds, properties, required, additionalProperties,
 * propertyNames, items, anyOf/oneOf, $ref), and mutations of them (wrong types, huge and
 * unicode strings, missing and extra fields, malformed JSON, odd path segments).
 *
 * Hand-written because no maintained library turns a JSON Schema 2020-12 into fast-check
 * arbitraries; the subset is small and pinned by the document itself.
 */
import fc from 'fast-check';

type Json = Record<string, unknown>;

/** Resolves `#/components/schemas/<name>` references. */
export type Resolver = (schema: Json) => Json;

export function resolverOf(components: Record<string, Json>): Resolver {
  const resolve: Resolver = (schema) => {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    const target = components[ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`unresolvable ${ref}`);
    // Siblings of $ref (a default, a description) annotate; the target constrains.
    return resolve(target);
  };
  return resolve;
}

/** Strings a client may well send: ASCII, unicode (astral planes, combining marks, RTL), control characters. */
export const oddString = (maxLength = 64): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '😀',
      'ﷺ',
      'e\u0301',
      '\u202e',
      'null',
      'true',
      '0',
      '-1',
      '1e309',
      'NaN',
    ),
  );

/** A string too big for any field (and, over 64 KiB, for any body). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', 'é', '😀', '\\', '"'), fc.integer({ min: 1_000, max: 70_000 }))
  .map(([unit, length]) => unit.repeat(length));

/** Any JSON value, as a wrong type for a field. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53 + 2, -(2 ** 63), [], {}, '', '[]', '{}'),
);

function stringOf(schema: Json): fc.Arbitrary<string> {
  if (schema.format === 'date-time') {
    return fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  }
  if (schema.format === 'email') return fc.emailAddress();
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : 64;
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern);
    return fc
      .stringMatching(pattern)
      .filter((s) => s.length >= minLength && s.length <= maxLength && pattern.test(s));
  }
  return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 64) });
}

/** Values valid against `schema` (in all likelihood: a pattern's bounds are filtered, not built). */
export function valid(schema: Json, resolve: Resolver, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (s.example !== undefined && depth > 0) candidates.push(fc.constant(s.example));
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  if ('const' in s) return fc.constant(s.const);
  const options = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (options) return fc.oneof(...options.map((option) => valid(option, resolve, depth + 1)));
  switch (s.type) {
    case 'string':
      candidates.push(stringOf(s));
      break;
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : -1_000_000;
      const max = typeof s.maximum === 'number' ? s.maximum : 1_000_000;
      if (s.type === 'integer') candidates.push(fc.integer({ min, max }));
      else {
        // Mostly round decimals, as clients send; sometimes any double (subnormals included).
        const steps = fc.integer({ min: 0, max: 1000 }).map((n) => min + ((max - min) * n) / 1000);
        const any = fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
        candidates.push(fc.oneof({ weight: 4, arbitrary: steps }, { weight: 1, arbitrary: any }));
      }
      break;
    }
    case 'boolean':
      candidates.push(fc.boolean());
      break;
    case 'null':
      candidates.push(fc.constant(null));
      break;
    case 'array': {
      const items = (s.items as Json | undefined) ?? {};
      const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxLength = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 4, minLength + 4);
      candidates.push(
        depth > 4 ? fc.constant([]) : fc.array(valid(items, resolve, depth + 1), { minLength, maxLength }),
      );
      break;
    }
    case 'object':
      candidates.push(objectOf(s, resolve, depth));
      break;
    default:
      candidates.push(anyJson);
  }
  return candidates.length === 1 ? (candidates[0] as fc.Arbitrary<unknown>) : fc.oneof(...candidates);
}

function objectOf(s: Json, resolve: Resolver, depth: number): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as Record<string, Json>;
  const required = (s.required ?? []) as string[];
  const fixed = fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, valid(p, resolve, depth + 1)])),
    { requiredKeys: required },
  );
  const extra = s.additionalProperties;
  if (extra === undefined || extra === false || typeof extra !== 'object' || depth > 4) return fixed;
  // A map (stack → dependencies): its keys follow propertyNames.
  const key = s.propertyNames
    ? (valid(s.propertyNames as Json, resolve, depth + 1) as fc.Arbitrary<string>)
    : fc.string();
  return fc
    .tuple(fixed, fc.dictionary(key, valid(extra as Json, resolve, depth + 1), { maxKeys: 4 }))
    .map(([a, b]) => ({ ...b, ...(a as Json) }));
}

/** A value of `schema` with one thing wrong (or several), or something else entirely. */
export function mutated(schema: Json, resolve: Resolver): fc.Arbitrary<unknown> {
  const base = valid(schema, resolve);
  const s = resolve(schema);
  const wrongField = fc
    .tuple(
      base,
      fc.constantFrom(
        ...(Object.keys((s.properties ?? {}) as Json).length > 0 ? Object.keys(s.properties as Json) : ['x']),
      ),
      fc.oneof(anyJson, oddString(), hugeString),
    )
    .map(([value, field, wrong]) => (isObject(value) ? { ...value, [field]: wrong } : wrong));
  const missingField = base.chain((value) =>
    isObject(value) && Object.keys(value).length > 0
      ? fc.constantFrom(...Object.keys(value)).map((field) => {
          const { [field]: _dropped, ...rest } = value;
          return rest;
        })
      : fc.constant(value),
  );
  const extraField = fc
    .tuple(base, oddString(16), anyJson)
    .map(([value, field, extra]) =>
      isObject(value) ? { ...value, [field || 'extra']: extra } : [value, extra],
    );
  return fc.oneof(wrongField, missingField, extraField, anyJson, oddString(), hugeString);
}

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A body as sent: JSON text of a value, or text that is not JSON at all. */
export const badJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":}',
    '[1,]',
    "{'a':1}",
    'nul',
    '{"a":1}{',
    '\u0000',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{}}}',
  ),
  oddString(200),
);

/** Path segments that routing and decoding may trip on (already encoded as sent). */
export const oddSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '.',
    '..',
    '%2e%2e',
    '%2F',
    '%2f..%2f',
    '%00',
    '%',
    '%zz',
    '%E0%A4%A',
    '~',
    ';',
    'a%20b',
    '*',
    '%25',
    '+',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
  // Long, but under Node's 16 KiB limit on a request head (431 would come from Node itself, before the gateway).
  fc.integer({ min: 200, max: 2_000 }).map((n) => 'x'.repeat(n)),
);

/** Header values fetch can send (bytes 0x20–0x7e), for garbage tokens and If-Match values. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 200,
  }),
  fc.constantFrom(
    '*',
    '"3"',
    'W/"3"',
    '0',
    '-1',
    '99999999999999',
    'Bearer',
    'Bearer ',
    'Basic YTpi',
    'null',
  ),
);
