import type { FieldError } from '../../kernel/errors';

// A copy of src/http/unsafe-input.ts's rule (the transport layer may not import
// src/http); the two should move to src/kernel together.

// Keys that reach Object.prototype through naive merges and assignments.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deepest nesting of objects/arrays accepted in an event body: class-transformer
 * and class-validator recurse, and would overflow the stack on `[[[[...`.
 */
export const MAX_EVENT_DEPTH = 64;

/**
 * Field errors for parsed JSON that must not reach an event class: a key
 * `__proto__`, `constructor` or `prototype` anywhere (constraint
 * `whitelistValidation`), or nesting deeper than `MAX_EVENT_DEPTH` (constraint
 * `maxDepth`). Paths are dotted, in document order. Own enumerable keys only,
 * walked iteratively.
 *
 * @example
 * ```ts
 * unsafeJsonErrors(JSON.parse('{"a":{"__proto__":{}}}'));
 * // [{ field: 'a.__proto__', constraints: { whitelistValidation: 'property __proto__ should not exist' } }]
 * ```
 */
export function unsafeJsonErrors(input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: input, path: '', depth: 0 },
  ];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_EVENT_DEPTH) {
      const message = `nesting deeper than ${MAX_EVENT_DEPTH} levels is not accepted`;
      errors.push({ field: path, constraints: { maxDepth: message } });
      continue;
    }
    const children: typeof stack = [];
    for (const key of Object.keys(value)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (FORBIDDEN.has(key)) {
        const message = `property ${key} should not exist`;
        errors.push({ field, constraints: { whitelistValidation: message } });
      } else {
        const child = (value as Record<string, unknown>)[key];
        children.push({ value: child, path: field, depth: depth + 1 });
      }
    }
    stack.push(...children.reverse());
  }
  return errors;
}
