import type { MessageProperties } from 'amqplib';

/** What an operator needs to know about one dead letter. */
export interface DeadLetter {
  /** The event id (the message id): the key an idempotent handler deduplicates on. */
  readonly eventId: string | null;
  /** The event's wire name (the message type). */
  readonly eventName: string | null;
  readonly handlerId: string | null;
  /** Attempts made before it was dead-lettered. */
  readonly attempts: number | null;
  readonly errorCode: string | null;
  readonly error: string | null;
  /**
   * Why: the transport's reason (`unknown-event`, `invalid`, `malformed`...),
   * the broker's (`delivery_limit`: the worker crashed on it too often), or
   * `handler-failed` for a handler's error after its last attempt.
   */
  readonly reason: string;
  /** When the event occurred (ISO). */
  readonly occurredAt: string | null;
  /** When the broker dead-lettered it (ISO), for a broker dead letter. */
  readonly deadLetteredAt: string | null;
}

// The header names are those failure-headers.ts writes (deadLetterHeaders)
// and codec/encode-envelope.ts writes; test/cli/dead-letter.test.ts reads
// back what they write, so a rename breaks that test, not operators.

/**
 * Reads a dead letter's properties and headers.
 *
 * @example
 * ```ts
 * describeDeadLetter(msg.properties).errorCode; // 'KEB_NON_RETRIABLE'
 * ```
 */
export function describeDeadLetter(properties: MessageProperties): DeadLetter {
  const h = properties.headers ?? {};
  const death = firstDeath(h['x-death']);
  const error = text(h['x-error']);
  return {
    eventId: text(properties.messageId),
    eventName: text(properties.type),
    handlerId: text(h['x-handler-id']),
    attempts: count(h['x-attempts']) ?? count(h['x-attempt']),
    errorCode: text(h['x-error-code']),
    error,
    reason:
      text(h['x-reason']) ??
      text(h['x-first-death-reason']) ??
      text(death?.reason) ??
      (error === null ? 'unknown' : 'handler-failed'),
    occurredAt: text(h['x-occurred-at']) ?? unixTime(properties.timestamp),
    deadLetteredAt: unixTime(death?.time),
  };
}

function firstDeath(xDeath: unknown): { reason?: unknown; time?: unknown } | undefined {
  return Array.isArray(xDeath) ? (xDeath[0] as { reason?: unknown; time?: unknown }) : undefined;
}

function text(v: unknown): string | null {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'string' && v !== '' ? v : null;
}

function count(v: unknown): number | null {
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) && n >= 0 ? n : null;
}

// amqplib reads an AMQP timestamp as seconds since the epoch (a number), or { '!': 'timestamp', value }.
function unixTime(v: unknown): string | null {
  const seconds = typeof v === 'object' && v !== null ? (v as { value?: unknown }).value : v;
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : null;
}
