import { instanceToPlain } from 'class-transformer';
import { describeCause, EventEncodeError } from '../../kernel/errors';
import type { EventEnvelope } from '../../kernel/event-envelope';
import { unsafeInputErrors } from '../../kernel/unsafe-input';
import type { EncodedHeaders, EncodedMessage } from './encoded-message';

/**
 * Turns an envelope into a broker message: the body is the UTF-8 JSON of
 * `instanceToPlain(envelope.event)` (so `@Exclude`, `@Expose` and `@Transform`
 * apply; `Date`s become ISO strings; as in any JSON, `undefined` and functions
 * are left out and `NaN`/`Infinity` become `null`), identity and lineage go in
 * properties and headers. Throws `EventEncodeError` when class-transformer or
 * `JSON.stringify` throws (a circular reference, a `BigInt`, a throwing
 * getter), or when the body is one that consumers would reject: larger than
 * `maxBodyBytes`, nested deeper than 64, or with a `__proto__`/`constructor`/
 * `prototype` key. Failing here reports it to the producer (`publish-failed`)
 * instead of dead-lettering it at every consumer.
 *
 * @example
 * ```ts
 * const { body, properties } = encodeEnvelope(envelope, 1_048_576);
 * properties.type; // 'user.registered'
 * properties.headers['x-event-version']; // 2
 * ```
 */
export function encodeEnvelope(envelope: EventEnvelope, maxBodyBytes: number): EncodedMessage {
  const { id, name } = envelope;
  let plain: Record<string, unknown>;
  let json: string;
  try {
    plain = instanceToPlain(envelope.event);
    json = JSON.stringify(plain);
  } catch (cause) {
    throw new EventEncodeError(name, id, `it could not be serialized (${describeCause(cause)})`, {
      cause,
    });
  }
  const body = Buffer.from(json, 'utf8');
  if (body.byteLength > maxBodyBytes) {
    throw new EventEncodeError(
      name,
      id,
      `its body has ${body.byteLength} bytes, more than ${maxBodyBytes}`,
    );
  }
  const unsafe = unsafeInputErrors(plain);
  if (unsafe.length > 0) {
    const fields = unsafe.map((e) => `${Object.values(e.constraints).join(', ')} (${e.field})`);
    throw new EventEncodeError(name, id, `consumers would reject it: ${fields.join('; ')}`);
  }
  const occurredAt = envelope.occurredAt;
  const headers: EncodedHeaders = {
    'x-event-version': envelope.version,
    'x-occurred-at': occurredAt.toISOString(),
    'x-attempt': envelope.attempt,
    'x-depth': envelope.depth,
  };
  if (envelope.causationId !== null) headers['x-causation-id'] = envelope.causationId;
  return {
    body,
    properties: {
      messageId: id,
      correlationId: envelope.correlationId,
      type: name,
      timestamp: Math.floor(occurredAt.getTime() / 1000),
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      headers,
    },
  };
}
