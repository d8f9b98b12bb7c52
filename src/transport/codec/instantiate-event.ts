import { plainToInstance } from 'class-transformer';
import type { Class } from '../../kernel/class';
import type { FieldError } from '../../kernel/errors';
import { validateCached } from '../../kernel/validate-cached';
import { flattenValidationErrors } from '../../kernel/validation-rules';

/**
 * Builds an event from its plain body with class-transformer, then, when
 * `validated`, checks it with class-validator. Returns the event, or the field
 * errors (dotted paths, constraint name → message; values are left out of the
 * messages, which end up in logs and dead letters).
 *
 * Unknown fields are kept, not rejected or stripped (unlike request DTOs): a
 * producer one deploy ahead may add a field without a version bump, and
 * dead-lettering every message of a rolling deploy is worse than an extra
 * property nobody reads; a breaking change is what `version` is for. So
 * `whitelist` is off: with it, a declared field without a class-validator
 * decorator (only `@Type`, say) would be silently dropped. Decorated fields
 * are strict: a wrong type, or a missing field that is not `@IsOptional()`, is
 * an error.
 *
 * @example
 * ```ts
 * const built = await instantiateEvent(UserRegistered, { userId: 'u1', email: 'x' }, true);
 * // { fieldErrors: [{ field: 'email', constraints: { isEmail: 'email must be an email' } }] }
 * ```
 */
export async function instantiateEvent<T extends object>(
  eventClass: Class<T>,
  plain: Record<string, unknown>,
  validated: boolean,
): Promise<{ event: T } | { fieldErrors: FieldError[] }> {
  const event = plainToInstance(eventClass as unknown as new () => T, plain);
  if (!validated) return { event };
  const errors = await validateCached(event, {
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  return errors.length === 0 ? { event } : { fieldErrors: flattenValidationErrors(errors) };
}
