import { getMetadataStorage, type ValidationError } from 'class-validator';
import type { Class } from './class';
import type { FieldError } from './errors';

/**
 * Whether class-validator knows any rule for `cls` (its own or inherited): a
 * DTO without one would reject every request, an event class without one is
 * built but not validated.
 *
 * @example
 * ```ts
 * class Plain { constructor(readonly id: string) {} }
 * hasValidationRules(Plain); // false
 * ```
 */
export function hasValidationRules(cls: Class): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).length > 0;
}

/** class-validator's error tree as a flat list of dotted field paths (`address.city`, `items.0.sku`). */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  prefix = '',
): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    // `property` is undefined for class-validator's root-level `unknownValue` error.
    const property = error.property ?? '';
    const field = prefix === '' ? property : property === '' ? prefix : `${prefix}.${property}`;
    if (error.constraints && Object.keys(error.constraints).length > 0) {
      out.push({ field, constraints: { ...error.constraints } });
    }
    if (error.children && error.children.length > 0)
      out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}
