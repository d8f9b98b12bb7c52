import type { FieldError } from './errors';

// Keys that reach Object.prototype through naive merges and assignments.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deepest nesting of objects/arrays accepted in request data and event
 * bodies. JSON.parse accepts any depth, but class-transformer and
 * class-validator recurse and would overflow the stack on `[[[[...`.
 */
export const MAX_INPUT_DEPTH = 64;

/**
 * Field errors for input (a request's data, a received event's body) that
 * must not reach user code, a DTO or an event class: a key `__proto__`, `constructor` or `prototype` anywhere
 * (constraint `whitelistValidation`), or nesting deeper than
 * `MAX_INPUT_DEPTH` (constraint `maxDepth`). Paths are dotted; a node's own keys come before its children's, children in document order.
 *
 * Why the keys are checked here: class-transformer silently skips `__proto__`
 * and `constructor`, so class-validator's whitelisting never sees them and a
 * request carrying them would pass. They are unknown fields like any other, so
 * they are reported in the shape of class-validator's `forbidNonWhitelisted`
 * errors. Only own enumerable keys are walked (`Object.keys`), iteratively.
 */
export function unsafeInputErrors(input: unknown): FieldError[] {
  if (typeof input !== 'object' || input === null) return [];
  const errors: FieldError[] = [];
  // Depth-first, children pushed in reverse so they are visited in document
  // order; only objects are pushed, and a path is built only for an error.
  const stack: Node[] = [{ value: input, key: '', parent: undefined, depth: 0 }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.depth >= MAX_INPUT_DEPTH) {
      const message = `nesting deeper than ${MAX_INPUT_DEPTH} levels is not accepted`;
      errors.push({ field: pathOf(node), constraints: { maxDepth: message } });
      continue;
    }
    const value = node.value as Record<string, unknown>;
    const keys = Object.keys(value);
    const from = stack.length;
    for (const key of keys) {
      if (FORBIDDEN.has(key)) {
        const parent = pathOf(node);
        errors.push({
          field: parent === '' ? key : `${parent}.${key}`,
          constraints: { whitelistValidation: `property ${key} should not exist` },
        });
        continue;
      }
      const child = value[key];
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, key, parent: node, depth: node.depth + 1 });
    }
    reverseFrom(stack, from);
  }
  return errors;
}

interface Node {
  value: object;
  key: string;
  parent: Node | undefined;
  depth: number;
}

/** The dotted path of a node, joined as flattenValidationErrors joins (an empty prefix adds no dot). */
function pathOf(node: Node): string {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n?.parent !== undefined; n = n.parent) keys.push(n.key);
  let path = '';
  for (let i = keys.length - 1; i >= 0; i--) path = path === '' ? keys[i]! : `${path}.${keys[i]}`;
  return path;
}

function reverseFrom<T>(items: T[], from: number): void {
  for (let i = from, j = items.length - 1; i < j; i++, j--) {
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}
