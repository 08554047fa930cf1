import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { STATE_MACHINES, stepPlaceholder } from '../../functions/steps/step-list.ts';

type Validator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
// asl-validator ships CommonJS without types.
const aslValidator = createRequire(import.meta.url)('asl-validator') as Validator;

const read = (name: string) =>
  readFileSync(new URL(`../../statemachines/${name}.asl.json`, import.meta.url), 'utf8');

/** Every Task state of a definition, nested ones (Map item processors) included. */
function tasksOf(definition: unknown): Record<string, unknown>[] {
  const tasks: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.Type === 'Task') tasks.push(record);
      Object.values(record).forEach(walk);
    }
  };
  walk(definition);
  return tasks;
}

describe.each(STATE_MACHINES.map((m) => [m.name, m] as const))('%s.asl.json', (name, machine) => {
  const text = read(name);
  const definition = JSON.parse(text) as unknown;

  it('is valid Amazon States Language', () => {
    const result = aslValidator(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('refers to functions only through the …FunctionArn placeholder of its step group', () => {
    const placeholders = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    // One per task: every task invokes the group's step function, and nothing else refers to it.
    expect(placeholders).toHaveLength(tasksOf(definition).length);
    expect(new Set(placeholders)).toEqual(new Set([stepPlaceholder(machine.group)]));
    expect(text).not.toMatch(/arn:aws:lambda:/);
  });

  it('names one of its group’s steps in every task’s payload, and passes the step its input', () => {
    const tasks = tasksOf(definition) as { Parameters?: { Payload?: Record<string, unknown> } }[];
    const named = tasks.map((task) => task.Parameters?.Payload?.step);
    expect(named.length).toBe(tasks.length);
    for (const step of named) expect(machine.steps).toContain(step);
    for (const task of tasks) {
      const payload = task.Parameters?.Payload ?? {};
      expect(Object.keys(payload).sort()).toEqual(['input' in payload ? 'input' : 'input.$', 'step'].sort());
    }
  });

  it('retries Lambda service exceptions and store collisions with backoff and jitter on every task', () => {
    const tasks = tasksOf(definition) as {
      Retry?: { ErrorEquals: string[]; BackoffRate?: number; JitterStrategy?: string }[];
    }[];
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
