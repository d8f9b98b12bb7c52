import { plainToInstance } from 'class-transformer';
import type { ValidationError } from 'class-validator';
import type { Class } from '../kernel/class';
import { ValidationFailedError } from '../kernel/errors';
import { unsafeInputErrors } from '../kernel/unsafe-input';
import { validateCached } from '../kernel/validate-cached';
import { flattenValidationErrors } from '../kernel/validation-rules';

/**
 * Builds a DTO instance from plain request data and validates it, or throws
 * `ValidationFailedError` (400, code `KEB_VALIDATION_FAILED`) listing every
 * failed field as a dotted path (`address.city`, `items.0.sku`).
 *
 * Steps: the value must be a plain object (not an array, string or null); keys
 * `__proto__`, `constructor` and `prototype` anywhere in it, and nesting deeper
 * than `MAX_INPUT_DEPTH` (64), are rejected; class-transformer `plainToInstance`; class-validator `validate` with
 * `whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true`.
 *
 * Unknown fields are rejected, not stripped: a client that sends `emial`
 * instead of `email` learns it from the 400 (constraint `whitelistValidation`)
 * instead of having the field silently ignored. Every property of a DTO
 * therefore needs at least one class-validator decorator (`@IsOptional()`
 * counts).
 *
 * @example
 * ```ts
 * class RegisterUserDto {
 *   @IsEmail() email!: string;
 *   @IsString() @MinLength(8) password!: string;
 * }
 * const dto = await validateDto(RegisterUserDto, { email: 'a@b.c', password: 'secret123' }, 'body');
 * // throws ValidationFailedError with fields
 * // [{ field: 'email', constraints: { isEmail: 'email must be an email' } }] for a bad email
 * ```
 */
export async function validateDto<T extends object>(
  dto: Class<T>,
  plain: unknown,
  source: ValidationFailedError['source'],
): Promise<T> {
  return validateDtoNow(dto, plain, source);
}

/**
 * `validateDto`, answering synchronously (the instance, or a thrown
 * `ValidationFailedError`) when the DTO's rules are all synchronous, and with
 * a promise otherwise: a route whose DTOs have no async constraint resolves
 * its arguments without a promise.
 */
export function validateDtoNow<T extends object>(
  dto: Class<T>,
  plain: unknown,
  source: ValidationFailedError['source'],
): T | Promise<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new ValidationFailedError(source, [
      { field: '', constraints: { isObject: `${source} must be an object` } },
    ]);
  }
  const unsafe = unsafeInputErrors(plain);
  if (unsafe.length > 0) throw new ValidationFailedError(source, unsafe);

  const instance = plainToInstance(dto as unknown as new () => T, plain);
  const errors = validateCached(instance, OPTIONS);
  if (!Array.isArray(errors)) return errors.then((list) => checked(instance, list, source));
  return checked(instance, errors, source);
}

const OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

function checked<T>(
  instance: T,
  errors: ValidationError[],
  source: ValidationFailedError['source'],
): T {
  if (errors.length > 0) throw new ValidationFailedError(source, flattenValidationErrors(errors));
  return instance;
}
