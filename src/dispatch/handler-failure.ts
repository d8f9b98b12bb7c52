import type { Subscription } from '../handlers/subscription';
import { callHook } from '../kernel/call-hook';
import type { HandlerOutcome } from '../kernel/dispatch-report';
import { describeCause, HandlerThrewNonErrorError } from '../kernel/errors';
import { type EventEnvelope, NO_ENVELOPES } from '../kernel/event-envelope';
import type { DeadLetter, RetryDecision } from '../kernel/hooks';
import { catchRejection } from '../kernel/is-thenable';
import type { DispatchHost } from './dispatch-host';
import { elapsedSince } from './elapsed';

// What happens to a failed attempt: logged (warn while it will be retried,
// error when final), reported to onError, and after the last attempt
// dead-lettered. Every hook call is isolated.

export function reportFailure(
  host: DispatchHost,
  sub: Subscription,
  envelope: EventEnvelope,
  attempt: number,
  error: Error,
  willRetry: boolean,
  retryInMs: number | undefined,
): void {
  // A failure that will be retried is one line (the error's name and
  // message); the stack belongs to the final failure, logged with `err`.
  (willRetry ? host.logger.warn : host.logger.error).call(
    host.logger,
    {
      ...(willRetry ? { error: describeCause(error) } : { err: error }),
      handlerId: sub.id,
      eventId: envelope.id,
      event: envelope.name,
      correlationId: envelope.correlationId,
      attempt,
      willRetry,
    },
    willRetry
      ? `handler ${sub.id} failed (attempt ${attempt}), retrying in ${retryInMs} ms`
      : `handler ${sub.id} failed (attempt ${attempt}), giving up`,
  );
  callHook(host, 'onError', {
    envelope,
    handlerId: sub.id,
    attempt,
    error,
    willRetry,
    ...(retryInMs === undefined ? {} : { retryInMs }),
  });
}

export function fail(
  host: DispatchHost,
  sub: Subscription,
  envelope: EventEnvelope,
  attempts: number,
  error: Error,
  started: number,
  reason: DeadLetter['reason'] = 'failed',
): HandlerOutcome {
  const letter: DeadLetter = {
    envelope,
    handlerId: sub.id,
    attempts,
    error,
    failedAt: new Date(host.clock.now()),
    reason,
  };
  host.deadLetter(letter);
  callHook(host, 'onDeadLetter', letter);
  if (host.instrumentation) host.instrumentation.deadLettered(letter);
  return {
    handlerId: sub.id,
    status: 'failed',
    attempts,
    durationMs: elapsedSince(started),
    error,
    followUps: NO_ENVELOPES,
  };
}

export function allowsRetry(host: DispatchHost, info: RetryDecision): boolean {
  if (!host.shouldRetry) return true;
  let decision: unknown;
  try {
    decision = host.shouldRetry(info);
  } catch (err) {
    host.logger.error({ err, handlerId: info.handlerId }, 'shouldRetry threw; not retrying');
    return false;
  }
  handleStrayPromise(host, info, decision);
  return decision !== false;
}

// shouldRetry must answer synchronously: a promise is not a veto, and its
// rejection is never left unhandled. A value that cannot even be inspected is
// not a promise we could handle; it is not `false` either.
function handleStrayPromise(host: DispatchHost, info: RetryDecision, decision: unknown): void {
  try {
    const rejected = (err: unknown) =>
      host.logger.error({ err, handlerId: info.handlerId }, 'shouldRetry rejected');
    if (!catchRejection(decision, rejected)) return;
    host.logger.warn(
      { handlerId: info.handlerId },
      'shouldRetry returned a promise: it must return a boolean synchronously (treated as "retry")',
    );
  } catch {
    // unreadable: see above
  }
}

/** The thrown value as an Error; never throws (`instanceof` on a revoked proxy does). */
export function toError(thrown: unknown, handlerId: string): Error {
  let isError = false;
  try {
    isError = thrown instanceof Error;
  } catch {
    // a proxy whose getPrototypeOf trap throws, or a revoked one: not an Error we can use
  }
  return isError ? (thrown as Error) : new HandlerThrewNonErrorError(handlerId, thrown);
}
