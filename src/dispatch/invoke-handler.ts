import type { Subscription } from '../handlers/subscription';
import type { HandlerOutcome } from '../kernel/dispatch-report';
import { Envelope } from '../kernel/envelope';
import { HandlerTimeoutError } from '../kernel/errors';
import { type EventEnvelope, NO_ENVELOPES } from '../kernel/event-envelope';
import { catchRejection } from '../kernel/is-thenable';
import type { DispatchDeps } from './dispatch-deps';
import { elapsedSince } from './elapsed';
import { allowsRetry, fail, reportFailure, toError } from './handler-failure';
import { InvocationContext } from './invocation-context';
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
      if (catchRejection(pass, ignore)) {
        throw new TypeError(
          `\`when\` of ${sub.id} returned a promise; it must return a boolean synchronously`,
        );
      }
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

/** The rejection of a promise `when` returned: its misuse is already the failure reported. */
function ignore(): void {}

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
//
// Everything the handler hands back is hostile until proven otherwise: reading
// `then` may throw (a getter, a revoked proxy), calling it may throw, and a
// native promise's own `then` reads `constructor`, which may throw too. Each
// of those becomes this attempt's failure, never an exception.
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
  let pending: Promise<unknown> | undefined;
  let result: unknown;
  try {
    // Every invocation runs in its own scope, so any `bus.emit()` made while
    // it runs (injected bus, module-level bus, ctx) is one of its follow-ups.
    result = deps.runIn(ctx, sub.invoke, envelope.event, ctx);
    pending = promiseOf(result);
    if (sub.timeoutMs !== undefined)
      pending = withTimeout(deps, sub, sub.timeoutMs, ctx, pending ?? Promise.resolve(result));
  } catch (thrown) {
    ctx.release();
    return then(failed(deps, sub, envelope, attempt, thrown, ctx, started), next);
  }
  if (pending === undefined) {
    ctx.release();
    return then(succeeded(deps, sub, envelope, attempt, result, ctx, started), next);
  }
  deps.running.add(ctx); // close() names (and aborts) what has not settled
  // Both continuations are total: whatever throws inside them (a bug of ours)
  // still ends in `next`, so the dispatcher's slot is released without a
  // guarding promise of its own.
  const onSettled = (value: unknown) => {
    ctx.release();
    try {
      return then(succeeded(deps, sub, envelope, attempt, value, ctx, started), next);
    } catch (err) {
      return next(internalFault(deps, sub, envelope, attempt, err, started));
    }
  };
  const onFailed = (thrown: unknown) => {
    ctx.release();
    try {
      return then(failed(deps, sub, envelope, attempt, thrown, ctx, started), next);
    } catch (err) {
      return next(internalFault(deps, sub, envelope, attempt, err, started));
    }
  };
  try {
    return pending.then(onSettled, onFailed);
  } catch (thrown) {
    return onFailed(thrown);
  }
}

/**
 * The promise a handler's return value stands for, or undefined for a plain
 * value. Throws when the value cannot even be inspected (the caller turns that
 * into the attempt's failure). Foreign thenables are adopted through a native
 * promise, whose resolve function catches a throwing `then`.
 */
function promiseOf(value: unknown): Promise<unknown> | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function'))
    return undefined;
  if (value instanceof Promise) return value;
  const thenMethod = (value as { then?: unknown }).then;
  if (typeof thenMethod !== 'function') return undefined;
  return new Promise((resolve, reject) => {
    thenMethod.call(value, resolve, reject);
  });
}

/** The outcome of an invocation our own code broke (logged and counted as an internal fault). */
function internalFault(
  deps: DispatchDeps,
  sub: Subscription,
  envelope: EventEnvelope,
  attempt: number,
  err: unknown,
  started: number,
): HandlerOutcome {
  deps.fault(err, envelope);
  return {
    handlerId: sub.id,
    status: 'failed',
    attempts: attempt,
    durationMs: elapsedSince(started),
    error: toError(err, sub.id),
    followUps: NO_ENVELOPES,
  };
}

function succeeded(
  deps: DispatchDeps,
  sub: Subscription,
  envelope: EventEnvelope,
  attempt: number,
  result: unknown,
  ctx: InvocationContext,
  started: number,
): HandlerOutcome | Promise<HandlerOutcome> {
  let followUps: readonly EventEnvelope[];
  try {
    collectReturnedEvents(result, ctx);
    followUps = ctx.commit();
  } catch (thrown) {
    // A returned value that cannot be inspected (a revoked proxy as an array...).
    return failed(deps, sub, envelope, attempt, thrown, ctx, started);
  }
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
  // After close() gave up, a failure (typically the abort it caused) is a 'closed' dead letter.
  if (!willRetry)
    return fail(
      deps,
      sub,
      envelope,
      attempt,
      error,
      started,
      deps.isStopping() ? 'closed' : 'failed',
    );
  return deps.sleep(delay ?? 0, seen, sub.id).then((woke) => {
    // false: close() gave up waiting and cancelled the timer; the last error stands.
    if (woke) return runAttempt(deps, sub, envelope, attempt + 1, started, identity);
    deps.logger.error(
      { err: error, handlerId: sub.id, eventId: envelope.id, attempt },
      `handler ${sub.id}: retry cancelled by close(), dead-lettered`,
    );
    return fail(deps, sub, envelope, attempt, error, started, 'closed');
  });
}

function withTimeout(
  deps: DispatchDeps,
  sub: Subscription,
  timeoutMs: number,
  ctx: InvocationContext,
  result: Promise<unknown>,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = deps.clock.setTimeout(() => {
      const error = new HandlerTimeoutError(sub.id, timeoutMs);
      ctx.abort(error);
      reject(error);
    }, timeoutMs);
    const settle = (fn: (v: unknown) => void) => (v: unknown) => {
      deps.clock.clearTimeout(timer);
      fn(v);
    };
    // A late rejection after the timeout lands here, so it is never unhandled.
    try {
      result.then(settle(resolve), settle(reject));
    } catch (err) {
      settle(reject)(err); // a native promise whose `constructor` getter throws
    }
  });
}

function withAttempt(envelope: EventEnvelope, attempt: number): EventEnvelope {
  return envelope instanceof Envelope ? envelope.withAttempt(attempt) : { ...envelope, attempt };
}
