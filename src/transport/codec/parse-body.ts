import { type FieldError } from '../../kernel/errors';
import { unsafeInputErrors } from '../../kernel/unsafe-input';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a body is not an event's JSON (the codec turns it into a `malformed` decode error). */
export interface BodyProblem {
  readonly problem: string;
  readonly fieldErrors?: readonly FieldError[];
  readonly cause?: unknown;
}

/**
 * Parses a message body into the plain object an event class is built from, or
 * says why it cannot: larger than `maxBytes`, not UTF-8, not JSON, not a JSON
 * object, nested deeper than 64, or carrying `__proto__`/`constructor`/`prototype`.
 *
 * @example
 * ```ts
 * parseBody(Buffer.from('{"userId":"u1"}'), 1_048_576); // { plain: { userId: 'u1' } }
 * parseBody(Buffer.from('[1]'), 1_048_576); // { problem: 'the body is not a JSON object' }
 * ```
 */
export function parseBody(
  body: unknown,
  maxBytes: number,
): { plain: Record<string, unknown> } | BodyProblem {
  if (!(body instanceof Uint8Array)) return { problem: 'the body is not a Buffer' };
  if (body.byteLength > maxBytes) {
    return { problem: `the body has ${body.byteLength} bytes, more than ${maxBytes}` };
  }
  let plain: unknown;
  try {
    plain = JSON.parse(utf8.decode(body));
  } catch (cause) {
    return { problem: 'the body is not UTF-8 JSON', cause };
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { problem: 'the body is not a JSON object' };
  }
  const fieldErrors = unsafeInputErrors(plain);
  if (fieldErrors.length > 0) {
    const fields = fieldErrors.map((e) => e.field || '(root)').join(', ');
    return { problem: `unsafe or too deeply nested fields: ${fields}`, fieldErrors };
  }
  return { plain: plain as Record<string, unknown> };
}
