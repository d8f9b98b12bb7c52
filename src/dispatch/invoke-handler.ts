import { Envelope } from '../bus/envelope';
import { type EventEnvelope, NO_ENVELOPES } from '../bus/event-envelope';
import { HandlerTimeoutError } from '../errors';
import type { Subscription } from '../handlers/subscription';
import type { DispatchDeps } from './dispatch-deps';
import type { HandlerOutcome } from './dispatch-report';
import { elapsedSince } from './elapsed';
import { allowsRetry, fail, reportFailure, toError } from './handler-failure';
import { InvocationContext } from './invocation-context';
import { isThenable } from './is-thenable';
import { retryDelay } from './retry-delay';
import { collectReturnedEvents } from './returned-events';

/**
 * Runs one subscription for one envelope, isolated: a sync throw, a rejection,
 * a non-Error throw, a timeout and a throwing `when` all end as a `failed`
 * outcome, never as an exception. Retries per policy, reports each failed
 * attempt to `onError`, dead-letters after the last one. Follow-ups of the
 * successful attempt are committed; those of failed attempts are discarded.
 *
 * Returns the outcome synchronously when the handler returned synchronously
 * (no promise, no timeout): the common fast path allocates no promise.
 */
export function invokeHandler<R = HandlerOutcome>(
  deps: DispatchDeps,
  sub: Subscription,
  envelope: EventEnvelope,
  started: number,
  next: (outcome: HandlerOutcome) => R = identity as (o: HandlerOutcome) => R,
): R | Promise<R> {
  if (sub.when) {
    let pass: boolean;
    try {
      pass = sub.when(envelope.event, envelope);
    } catch (thrown) {
      const error = toError(thrown, sub.id);
      reportFailure(deps, sub, envelope, 1, error, false, undefined);
      return next(fail(deps, sub, envelope, 1, error, started));
    }
    if (!pass) {
      return next({
        handlerId: sub.id,
        status: 'skipped',
        attempts: 0,
        durationMs: elapsedSince(started),
        followUps: NO_ENVELOPES,
      });
    }
  }
  return runAttempt(deps, sub, envelope, 1, started, next);
}

function identity<T>(value: T): T {
  return value;
}

/** `next` applied to an outcome that may still be pending (a retry). */
function then<R>(
  outcome: HandlerOutcome | Promise<HandlerOutcome>,
  next: (o: HandlerOutcome) => R,
): R | Promise<R> {
  return outcome instanceof Promise ? outcome.then(next) : next(outcome);
}

// `next` runs inside the same promise reaction as the handler's settlement:
// one promise per async invocation, not one per layer (each promise costs
// async-hook work on Node 20 once AsyncLocalStorage is in use).
function runAttempt<R>(
  deps: DispatchDeps,
  sub: Subscription,
  envelope: EventEnvelope,
  attempt: number,
  started: number,
  next: (outcome: HandlerOutcome) => R,
): R | Promise<R> {
  const seen = attempt === 1 ? envelope : withAttempt(envelope, attempt);
  const ctx = new InvocationContext(seen, sub.id, attempt, envelope, deps);
  let result: unknown;
  try {
    // Handlers that can reach the bus (it was injected somewhere in their
    // constructor graph) run in their own scope, so `bus.emit()` from inside
    // is a follow-up; the others skip AsyncLocalStorage altogether.
    result = sub.needsScope
      ? deps.runIn(ctx.scope(), sub.invoke, envelope.event, ctx)
      : sub.invoke(envelope.event, ctx);
  } catch (thrown) {
    ctx.release();
    return then(failed(deps, sub, envelope, attempt, thrown, ctx, started), next);
  }
  if (sub.timeoutMs === undefined && !isThenable(result)) {
    ctx.release();
    return next(succeeded(sub, attempt, result, ctx, started));
  }
  const settled =
    sub.timeoutMs === undefined
      ? Promise.resolve(result)
      : withTimeout(deps, sub, sub.timeoutMs, ctx, result);
  return settled.then(
    (value) => {
      ctx.release();
      return next(succeeded(sub, attempt, value, ctx, started));
    },
    (thrown: unknown) => {
      ctx.release();
      return then(failed(deps, sub, envelope, attempt, thrown, ctx, started), next);
    },
  );
}

function succeeded(
  sub: Subscription,
  attempt: number,
  result: unknown,
  ctx: InvocationContext,
  started: number,
): HandlerOutcome {
  collectReturnedEvents(result, ctx);
  const followUps = ctx.commit();
  return {
    handlerId: sub.id,
    status: 'succeeded',
    attempts: attempt,
    durationMs: elapsedSince(started),
    result,
    followUps,
  };
}

function failed(
  deps: DispatchDeps,
  sub: Subscription,
  envelope: EventEnvelope,
  attempt: number,
  thrown: unknown,
  ctx: InvocationContext,
  started: number,
): HandlerOutcome | Promise<HandlerOutcome> {
  const error = toError(thrown, sub.id);
  ctx.discard({ kind: 'handler-failed', handlerId: sub.id, error });
  const seen = attempt === 1 ? envelope : withAttempt(envelope, attempt);
  const willRetry =
    attempt < sub.retry.attempts &&
    !deps.isStopping() &&
    allowsRetry(deps, { envelope: seen, handlerId: sub.id, attempt, error });
  const delay = willRetry ? retryDelay(sub.retry, attempt + 1, deps.random) : undefined;
  reportFailure(deps, sub, seen, attempt, error, willRetry, delay);
  if (!willRetry) return fail(deps, sub, envelope, attempt, error, started);
  return deps.sleep(delay ?? 0).then((woke) => {
    // false: close() gave up waiting and cancelled the timer; the last error stands.
    if (woke) return runAttempt(deps, sub, envelope, attempt + 1, started, identity);
    deps.logger.error(
      { err: error, handlerId: sub.id, eventId: envelope.id, attempt },
      `handler ${sub.id}: retry cancelled by close(), dead-lettered`,
    );
    return fail(deps, sub, envelope, attempt, error, started);
  });
}

function withTimeout(
  deps: DispatchDeps,
  sub: Subscription,
  timeoutMs: number,
  ctx: InvocationContext,
  result: unknown,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = deps.clock.setTimeout(() => {
      const error = new HandlerTimeoutError(sub.id, timeoutMs);
      ctx.abort(error);
      reject(error);
    }, timeoutMs);
    // A late rejection after the timeout lands here, so it is never unhandled.
    Promise.resolve(result).then(
      (value) => {
        deps.clock.clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        deps.clock.clearTimeout(timer);
        reject(err);
      },
    );
  });
}

function withAttempt(envelope: EventEnvelope, attempt: number): EventEnvelope {
  return envelope instanceof Envelope ? envelope.withAttempt(attempt) : { ...envelope, attempt };
}
