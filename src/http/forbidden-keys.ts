import type { FieldError } from '../errors';

// Keys that reach Object.prototype through naive merges and assignments.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * One `whitelistValidation` field error per forbidden key (`__proto__`,
 * `constructor`, `prototype`) found anywhere in `value`, as dotted paths.
 *
 * Why this exists: class-transformer silently skips `__proto__` and
 * `constructor` keys, so class-validator's whitelisting never sees them and a
 * request carrying them would pass. They are unknown fields like any other,
 * so they are reported in the same shape as class-validator's own
 * `forbidNonWhitelisted` errors. Only own enumerable keys are walked
 * (`Object.keys`), so nothing inherited is read.
 */
export function forbiddenKeyErrors(value: unknown, path = ''): FieldError[] {
  if (typeof value !== 'object' || value === null) return [];
  const errors: FieldError[] = [];
  for (const key of Object.keys(value)) {
    const field = path === '' ? key : `${path}.${key}`;
    if (FORBIDDEN.has(key)) {
      errors.push({
        field,
        constraints: { whitelistValidation: `property ${key} should not exist` },
      });
    } else {
      errors.push(...forbiddenKeyErrors((value as Record<string, unknown>)[key], field));
    }
  }
  return errors;
}
