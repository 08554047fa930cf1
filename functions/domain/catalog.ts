/** Moved: the stack kinds are in stacks/ (one module each), listed by stacks/registry.ts. */
export type { ResourceSpec, StackDefinition } from './stacks/kind.ts';
export { getStackDefinition, STACK_CATALOG, STACK_NAMES } from './stacks/registry.ts';
