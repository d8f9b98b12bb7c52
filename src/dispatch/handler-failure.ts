import type { Subscription } from '../handlers/subscription';
import type { HandlerOutcome } from '../kernel/dispatch-report';
import { describeCause, HandlerThrewNonErrorError } from '../kernel/errors';
import { type EventEnvelope, NO_ENVELOPES } from '../kernel/event-envelope';
import type { DeadLetter, RetryDecision } from '../kernel/hooks';
import { catchRejection } from '../kernel/is-thenable';
import { callHook, type DispatchDeps } from './dispatch-deps';
import { elapsedSince } from './elapsed';

// What happens to a failed attempt: logged (warn while it will be retried,
// error when final), reported to onError, and after the last attempt
// dead-lettered. Every hook call is isolated.

export function reportFailure(
  deps: DispatchDeps,
  sub: Subscription,
  envelope: EventEnvelope,
  attempt: number,
  error: Error,
  willRetry: boolean,
  retryInMs: number | undefined,
): void {
  // A failure that will be retried is one line (the error's name and
  // message); the stack belongs to the final failure, logged with `err`.
  (willRetry ? deps.logger.warn : deps.logger.error).call(
    deps.logger,
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
  callHook(deps, 'onError', {
    envelope,
    handlerId: sub.id,
    attempt,
    error,
    willRetry,
    ...(retryInMs === undefined ? {} : { retryInMs }),
  });
}

export function fail(
  deps: DispatchDeps,
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
    failedAt: new Date(deps.clock.now()),
    reason,
  };
  deps.keepDeadLetter(letter);
  callHook(deps, 'onDeadLetter', letter);
  return {
    handlerId: sub.id,
    status: 'failed',
    attempts,
    durationMs: elapsedSince(started),
    error,
    followUps: NO_ENVELOPES,
  };
}

export function allowsRetry(deps: DispatchDeps, info: RetryDecision): boolean {
  if (!deps.shouldRetry) return true;
  let decision: unknown;
  try {
    decision = deps.shouldRetry(info);
  } catch (err) {
    deps.logger.error({ err, handlerId: info.handlerId }, 'shouldRetry threw; not retrying');
    return false;
  }
  handleStrayPromise(deps, info, decision);
  return decision !== false;
}

// shouldRetry must answer synchronously: a promise is not a veto, and its
// rejection is never left unhandled. A value that cannot even be inspected is
// not a promise we could handle; it is not `false` either.
function handleStrayPromise(deps: DispatchDeps, info: RetryDecision, decision: unknown): void {
  try {
    const rejected = (err: unknown) =>
      deps.logger.error({ err, handlerId: info.handlerId }, 'shouldRetry rejected');
    if (!catchRejection(decision, rejected)) return;
    deps.logger.warn(
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
