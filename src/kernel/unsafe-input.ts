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
 * `MAX_INPUT_DEPTH` (constraint `maxDepth`). Paths are dotted, in document order.
 *
 * Why the keys are checked here: class-transformer silently skips `__proto__`
 * and `constructor`, so class-validator's whitelisting never sees them and a
 * request carrying them would pass. They are unknown fields like any other, so
 * they are reported in the shape of class-validator's `forbidNonWhitelisted`
 * errors. Only own enumerable keys are walked (`Object.keys`), iteratively.
 */
export function unsafeInputErrors(input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: input, path: '', depth: 0 },
  ];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      const message = `nesting deeper than ${MAX_INPUT_DEPTH} levels is not accepted`;
      errors.push({ field: path, constraints: { maxDepth: message } });
      continue;
    }
    const children: typeof stack = [];
    for (const key of Object.keys(value)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (FORBIDDEN.has(key)) {
        errors.push({
          field,
          constraints: { whitelistValidation: `property ${key} should not exist` },
        });
      } else {
        const child = (value as Record<string, unknown>)[key];
        children.push({ value: child, path: field, depth: depth + 1 });
      }
    }
    stack.push(...children.reverse());
  }
  return errors;
}
