/**
 * Reading the outputs of a stack's dependencies. A missing or malformed output is a plain
 * Error naming the stack, the dependency and the key, so a broken graph says what broke.
 */
import type { BuildContext } from './kind.ts';

function needed(s: BuildContext, stack: string, key: string): unknown {
  const outputs = Object.hasOwn(s.deps, stack) ? s.deps[stack] : undefined;
  const value = outputs && Object.hasOwn(outputs, key) ? outputs[key] : undefined;
  if (value === undefined || value === null) {
    throw new Error(`Stack ${s.stack} needs output ${key} of stack ${stack}, which is missing`);
  }
  return value;
}

export function needString(s: BuildContext, stack: string, key: string): string {
  const value = needed(s, stack, key);
  if (typeof value !== 'string' || value === '') {
    throw new Error(`Stack ${s.stack} needs output ${key} of stack ${stack} to be a non-empty string`);
  }
  return value;
}

export function needNumber(s: BuildContext, stack: string, key: string): number {
  const value = needed(s, stack, key);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`Stack ${s.stack} needs output ${key} of stack ${stack} to be a number`);
  }
  return value;
}

export function needStrings(s: BuildContext, stack: string, key: string): string[] {
  const value = needed(s, stack, key);
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new Error(
      `Stack ${s.stack} needs output ${key} of stack ${stack} to be a non-empty list of strings`,
    );
  }
  return value as string[];
}
