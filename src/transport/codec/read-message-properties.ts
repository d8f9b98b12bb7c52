import { EventDecodeError } from '../../kernel/errors';
import type { IncomingMessage } from './encoded-message';

/** The identity and lineage a received message carries, checked. */
export interface MessageProperties {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly occurredAt: Date;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly attempt: number;
  readonly depth: number;
}

/**
 * Reads and checks what `encode` wrote, or throws `EventDecodeError`
 * (`malformed`). Required: `messageId`, `type`, `x-event-version`,
 * `x-occurred-at`. Defaults when absent: `correlationId` the message id (a
 * root event's own), `x-causation-id` none, `x-attempt` 1, `x-depth` 0.
 * Integers may arrive as decimal strings (the RabbitMQ management UI publishes
 * header values as strings when a dead letter is replayed by hand).
 *
 * @example
 * ```ts
 * const { name, version } = readMessageProperties(message); // before looking the class up
 * ```
 */
export function readMessageProperties(message: IncomingMessage): MessageProperties {
  const props = message.properties ?? {};
  const headers = props.headers ?? {};
  const id = nonEmpty(props.messageId);
  const name = nonEmpty(props.type);
  const version = integer(headers['x-event-version'], 1);
  const fail = (problem: string): never => {
    throw new EventDecodeError('malformed', problem, {
      eventName: name,
      eventVersion: version,
      messageId: id,
    });
  };
  if (id === undefined) return fail('property messageId is missing or empty');
  if (name === undefined) return fail('property type (the event wire name) is missing or empty');
  if (version === undefined) return fail('header x-event-version is not an integer ≥ 1');
  const at = headers['x-occurred-at'];
  const occurredAt = typeof at === 'string' ? new Date(at) : undefined;
  if (!occurredAt || Number.isNaN(occurredAt.getTime())) {
    return fail('header x-occurred-at is not an ISO date');
  }
  const correlationId = props.correlationId === undefined ? id : nonEmpty(props.correlationId);
  if (correlationId === undefined) return fail('property correlationId is empty');
  const causation = headers['x-causation-id'];
  const causationId = causation === undefined || causation === null ? null : nonEmpty(causation);
  if (causationId === undefined) return fail('header x-causation-id is not a non-empty string');
  const attempt = headers['x-attempt'] === undefined ? 1 : integer(headers['x-attempt'], 1);
  if (attempt === undefined) return fail('header x-attempt is not an integer ≥ 1');
  const depth = headers['x-depth'] === undefined ? 0 : integer(headers['x-depth'], 0);
  if (depth === undefined) return fail('header x-depth is not an integer ≥ 0');
  return { id, name, version, occurredAt, correlationId, causationId, attempt, depth };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function integer(value: unknown, min: number): number | undefined {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= min ? n : undefined;
}
