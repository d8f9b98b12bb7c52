import { EventDecodeError } from '../../kernel/errors';
import type { EventEnvelope } from '../../kernel/event-envelope';
import { hasValidationRules } from '../../kernel/validation-rules';
import type { ReceivedEnvelope } from '../transport';
import { encodeEnvelope } from './encode-envelope';
import type { EncodedMessage, IncomingMessage } from './encoded-message';
import { type EventType, EventTypes } from './event-types';
import { instantiateEvent } from './instantiate-event';
import { parseBody } from './parse-body';
import { readMessageProperties } from './read-message-properties';

/** Options of {@link EventCodec}. */
export interface EventCodecOptions {
  /** Largest body encoded or decoded, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
}

/**
 * Serializes envelopes for a broker and rebuilds them, finding the event class
 * by wire name and version. `encode` works for any event (a producer need not
 * consume what it publishes); `decode` knows the classes it was given.
 *
 * `decode` rejects with `EventDecodeError` (`KEB_EVENT_DECODE_FAILED`), whose
 * `reason` a transport dead-letters with: `unknown-event` (no class of that
 * name), `unknown-version` (the message lists the versions known),
 * `malformed` (properties or headers missing or wrong, a body that is not a
 * UTF-8 JSON object, is too large, deeper than 64 levels, or has a
 * `__proto__`/`constructor`/`prototype` key), `invalid` (class-validator
 * rules failed: `fieldErrors`). Unknown fields are kept and not an error;
 * a class without class-validator rules is not validated (see
 * `instantiateEvent` for why).
 *
 * @example
 * ```ts
 * const codec = new EventCodec(host.bindings.map((b) => ({ eventClass: b.eventClass, name: b.eventName, version: b.eventVersion })));
 * const { body, properties } = codec.encode(envelope);
 * const received = await codec.decode({ body, properties });
 * host.receive(received); // same id, correlation, causation, depth, attempt; a UserRegistered instance
 * ```
 */
export class EventCodec {
  private readonly types: EventTypes;
  private readonly validated = new Map<Function, boolean>();
  private readonly maxBodyBytes: number;

  /** Throws `DuplicateEventNameError` when two classes share a name and version. */
  constructor(types: readonly EventType[], options: EventCodecOptions = {}) {
    this.types = new EventTypes(types);
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    for (const { eventClass } of types) {
      if (!this.validated.has(eventClass)) {
        this.validated.set(eventClass, hasValidationRules(eventClass));
      }
    }
  }

  /** The message for an envelope; throws `EventEncodeError` when the event cannot be serialized. */
  encode(envelope: EventEnvelope): EncodedMessage {
    return encodeEnvelope(envelope, this.maxBodyBytes);
  }

  /** The envelope a message carries; rejects with `EventDecodeError`. */
  async decode(message: IncomingMessage): Promise<ReceivedEnvelope> {
    const props = readMessageProperties(message);
    const about = { eventName: props.name, eventVersion: props.version, messageId: props.id };
    const type = this.types.find(props.name, props.version);
    if (!type) {
      const known = this.types.versionsOf(props.name);
      if (known.length === 0) {
        throw new EventDecodeError('unknown-event', 'no event class of this name is bound', about);
      }
      const problem = `this process knows version(s) ${known.join(', ')} only`;
      throw new EventDecodeError('unknown-version', problem, about);
    }
    const parsed = parseBody(message.body, this.maxBodyBytes);
    if (!('plain' in parsed)) {
      const { problem, fieldErrors, cause } = parsed;
      throw new EventDecodeError('malformed', problem, { ...about, fieldErrors }, { cause });
    }
    let built: Awaited<ReturnType<typeof instantiateEvent>>;
    try {
      built = await instantiateEvent(
        type.eventClass,
        parsed.plain,
        this.validated.get(type.eventClass) ?? true,
      );
    } catch (cause) {
      throw new EventDecodeError(
        'invalid',
        `${type.eventClass.name} could not be built from the body`,
        about,
        { cause },
      );
    }
    if ('fieldErrors' in built) {
      const fieldErrors = built.fieldErrors;
      const listed = fieldErrors.map(
        (e) => `${e.field}: ${Object.values(e.constraints).join(', ')}`,
      );
      throw new EventDecodeError('invalid', listed.join('; '), { ...about, fieldErrors });
    }
    return { ...props, eventClass: type.eventClass, event: built.event };
  }
}
