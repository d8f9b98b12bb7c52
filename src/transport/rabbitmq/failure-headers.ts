import type { MessageProperties } from 'amqplib';

// Headers the broker owns: a copy we publish must not carry the old ones.
const BROKER_HEADERS = /^x-(death|first-death-|last-death-|delivery-count)/;

/** The message's own headers, without those the broker added (x-death, x-delivery-count...). */
export function ownHeaders(properties: MessageProperties): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties.headers ?? {}))
    if (!BROKER_HEADERS.test(key)) headers[key] = value;
  return headers;
}

/** The 1-based attempt a message carries (`x-attempt`; 1 when absent or unreadable). */
export function attemptOf(properties: MessageProperties): number {
  const n = Number(properties.headers?.['x-attempt']);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * The headers of a dead letter: why it is there, which handler, how many attempts.
 *
 * @example
 * ```ts
 * deadLetterHeaders(props, { handlerId: 'mailer', attempts: 3, error }); // x-error, x-error-stack, ...
 * ```
 */
export function deadLetterHeaders(
  properties: MessageProperties,
  failure: { handlerId: string; attempts: number; error?: unknown; reason?: string },
): Record<string, unknown> {
  const err = failure.error as { message?: unknown; stack?: unknown; code?: unknown } | undefined;
  const headers: Record<string, unknown> = {
    ...ownHeaders(properties),
    'x-handler-id': failure.handlerId,
    'x-attempts': failure.attempts,
    'x-error': String(err?.message ?? err ?? 'unknown error'),
  };
  if (typeof err?.stack === 'string') headers['x-error-stack'] = err.stack.slice(0, 8_000);
  if (typeof err?.code === 'string') headers['x-error-code'] = err.code;
  if (failure.reason !== undefined) headers['x-reason'] = failure.reason;
  return headers;
}
