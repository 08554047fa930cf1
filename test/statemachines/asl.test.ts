import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { STATE_MACHINES, STEPS, stepPlaceholder } from '../../functions/steps/step-list.ts';

type Validator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
// asl-validator ships CommonJS without types.
const aslValidator = createRequire(import.meta.url)('asl-validator') as Validator;

const read = (name: string) =>
  readFileSync(new URL(`../../statemachines/${name}.asl.json`, import.meta.url), 'utf8');

describe.each(STATE_MACHINES.map((m) => m.name))('%s.asl.json', (name) => {
  const text = read(name);
  const definition = JSON.parse(text) as unknown;

  it('is valid Amazon States Language', () => {
    const result = aslValidator(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('refers to functions only through …FunctionArn placeholders of known steps', () => {
    const placeholders = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    const known = new Set(STEPS.map(stepPlaceholder));
    expect(placeholders.length).toBeGreaterThan(0);
    for (const p of placeholders) expect(known).toContain(p);
    expect(text).not.toMatch(/arn:aws:lambda:/);
  });

  it('retries Lambda service exceptions and store collisions with backoff and jitter on every task', () => {
    const tasks: { Retry?: { ErrorEquals: string[]; BackoffRate?: number; JitterStrategy?: string }[] }[] =
      [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (record.Type === 'Task') tasks.push(record as (typeof tasks)[number]);
        Object.values(record).forEach(walk);
      }
    };
    walk(definition);
    expect(tasks.length).toBeGreaterThanOrEqual(6);
    for (const task of tasks) {
      const retry = task.Retry?.find((r) => r.ErrorEquals.includes('Lambda.ServiceException'));
      expect(retry?.JitterStrategy).toBe('FULL');
      expect(retry?.BackoffRate).toBeGreaterThan(1);
      // Collisions with concurrent writes are retried too (see TransientStoreError).
      expect(task.Retry?.some((r) => r.ErrorEquals.includes('TransientStoreError'))).toBe(true);
    }
  });
});
