import type { Subscription } from '../handlers/subscription';
import type { HandlerOutcome } from '../kernel/dispatch-report';
import { withAttempt } from '../kernel/envelope';
import { describeCause, HandlerTimeoutError, isNonRetriable } from '../kernel/errors';
import { type EventEnvelope, NO_ENVELOPES } from '../kernel/event-envelope';
import type { GuardedInstrumentation } from '../kernel/guarded-instrumentation';
import { catchRejection } from '../kernel/is-thenable';
import type { DispatchHost } from './dispatch-host';
import { elapsedSince } from './elapsed';
import { allowsRetry, fail, reportFailure, toError } from './handler-failure';
import { InvocationContext } from './invocation-context';
import { retryDelay } from './retry-delay';
import { collectReturnedEvents } from './returned-events';

/**
 * Runs one subscription for one envelope, isolated: a sync throw, a rejection,
 * a non-Error throw, a timeout and a throwing `when` all end as a `failed`
 * outcome, never as an exception. Each attempt runs in its own scope (its
 * follow-ups: committed when it succeeds, discarded when it fails); failed
 * attempts are retried per policy and reported to `onError`; the last one is
 * dead-lettered.
 *
 * The fast paths, here and nowhere else: a first attempt whose handler
 * returned a plain value gets its outcome without a promise (a sync handler is
 * the common case), and one whose promise fulfils gets it in that promise's
 * reaction (one promise per async invocation: each costs async-hook work on
 * Node 20 once AsyncLocalStorage is on, measured 1.3–1.5× per event with the
 * loop below instead). A throw, a rejection, a timeout and every retry go on
 * in {@link attempts}, one async function with the retry loop.
 *
 * The first attempt is `envelope.attempt` (1 on the bus; a broker's delivery
 * count for a received event). `once`: a broker transport retries by
 * delivering again, so a failure that will be retried returns at once (with
 * `willRetry`) instead of waiting here.
 */
export function invokeHandler(
  host: DispatchHost,
  sub: Subscription,
  envelope: EventEnvelope,
  started: number,
  once = false,
): AttemptResult | Promise<AttemptResult> {
  if (sub.when) {
    const early = whenOutcome(host, sub, envelope, started);
    if (early) return early;
  }
  const ctx = new InvocationContext(envelope, sub.id, envelope.attempt, envelope, host);
  const first = start(host, sub, ctx);
  if (first instanceof Promise && sub.timeoutMs === undefined) {
    host.running.add(ctx); // close() names (and aborts) what has not settled
    const failed = (thrown: unknown) => {
      ctx.release();
      return attempts(host, sub, envelope, started, ctx, Promise.reject(thrown), once);
    };
    try {
      return first.then((value) => {
        ctx.release();
        return settle(host, sub, envelope, started, ctx, value, once);
      }, failed);
    } catch (thrown) {
      return failed(thrown); // a native promise whose `constructor` getter throws
    }
  }
  if (first instanceof Promise) return attempts(host, sub, envelope, started, ctx, first, once);
  return settle(host, sub, envelope, started, ctx, first, once);
}

/** The outcome of a first attempt that returned `value`; a value that cannot be inspected fails it. */
function settle(
  host: DispatchHost,
  sub: Subscription,
  envelope: EventEnvelope,
  started: number,
  ctx: InvocationContext,
  value: unknown,
  once: boolean,
): AttemptResult | Promise<AttemptResult> {
  try {
    collectReturnedEvents(value, ctx);
    return succeeded(sub, envelope.attempt, value, ctx.commit(), started);
  } catch (thrown) {
    // A returned value that cannot be inspected (a revoked proxy as an array...).
    return attempts(host, sub, envelope, started, ctx, Promise.reject(thrown), once);
  }
}

/**
 * A handler's outcome. `once` mode only: `willRetry` (with `retryInMs`, the
 * jittered wait the policy chose) on a failure that a broker will deliver
 * again; `closed` on an attempt that `close()` cut short, which is not the
 * handler's failure: the broker delivers it again as the same attempt.
 */
export type AttemptResult = HandlerOutcome & {
  readonly willRetry?: boolean;
  readonly retryInMs?: number;
  readonly closed?: boolean;
};

/** An attempt of a received event that failed after close() gave up: left to the broker, not dead-lettered. */
function cutByClose(
  host: DispatchHost,
  sub: Subscription,
  envelope: EventEnvelope,
  attempt: number,
  error: Error,
  started: number,
): AttemptResult {
  host.logger.warn(
    { error: describeCause(error), handlerId: sub.id, eventId: envelope.id, attempt },
    `handler ${sub.id}: attempt ${attempt} cut short by close(); the broker delivers it again`,
  );
  return {
    handlerId: sub.id,
    status: 'failed',
    attempts: attempt,
    durationMs: elapsedSince(started),
    error,
    followUps: NO_ENVELOPES,
    closed: true,
  };
}

/**
 * Settles attempt 1 (`first`: its pending result) and runs the retries. Never
 * rejects: whatever throws in here, a bug of ours included, ends as an outcome,
 * so the dispatcher's slot is always released.
 */
async function attempts(
  host: DispatchHost,
  sub: Subscription,
  envelope: EventEnvelope,
  started: number,
  firstCtx: InvocationContext,
  first: unknown,
  once: boolean,
): Promise<AttemptResult> {
  let ctx = firstCtx;
  let result = first;
  try {
    for (let attempt = envelope.attempt; ; attempt++) {
      let error: Error;
      try {
        let value = result;
        if (result instanceof Promise) {
          host.running.add(ctx); // close() names (and aborts) what has not settled
          try {
            value = await (sub.timeoutMs === undefined
              ? result
              : withTimeout(host, sub, ctx, result));
          } finally {
            ctx.release();
          }
        }
        collectReturnedEvents(value, ctx);
        return succeeded(sub, attempt, value, ctx.commit(), started);
      } catch (thrown) {
        error = toError(thrown, sub.id);
      }
      ctx.discard({ kind: 'handler-failed', handlerId: sub.id, error });
      const seen = ctx.envelope;
      if (once && host.stopping) {
        ctx.ended({ status: 'failed', error, willRetry: true }); // the broker delivers it again
        return cutByClose(host, sub, seen, attempt, error, started);
      }
      const willRetry =
        attempt < sub.retry.attempts &&
        !host.stopping &&
        !isNonRetriable(error) &&
        allowsRetry(host, { envelope: seen, handlerId: sub.id, attempt, error });
      const delay = willRetry ? retryDelay(sub.retry, attempt + 1, host.random) : undefined;
      reportFailure(host, sub, seen, attempt, error, willRetry, delay);
      // After close() gave up, a failure (typically the abort it caused) is a 'closed' dead letter.
      const deadLetter = host.stopping ? 'closed' : 'failed';
      ctx.ended({ status: 'failed', error, willRetry, ...(willRetry ? {} : { deadLetter }) });
      if (!willRetry) return fail(host, sub, envelope, attempt, error, started, deadLetter);
      if (once)
        return {
          handlerId: sub.id,
          status: 'failed',
          attempts: attempt,
          durationMs: elapsedSince(started),
          error,
          followUps: NO_ENVELOPES,
          willRetry: true,
          ...(delay === undefined ? {} : { retryInMs: delay }),
        };
      if (!(await host.sleep(delay ?? 0, seen, sub.id))) {
        host.logger.error(
          { err: error, handlerId: sub.id, eventId: envelope.id, attempt },
          `handler ${sub.id}: retry cancelled by close(), dead-lettered`,
        );
        return fail(host, sub, envelope, attempt, error, started, 'closed');
      }
      ctx = new InvocationContext(
        withAttempt(envelope, attempt + 1),
        sub.id,
        attempt + 1,
        envelope,
        host,
      );
      result = start(host, sub, ctx);
    }
  } catch (err) {
    host.fault(err, envelope);
    ctx.ended({ status: 'failed', error: toError(err, sub.id), willRetry: false });
    return {
      handlerId: sub.id,
      status: 'failed',
      attempts: ctx.attempt,
      durationMs: elapsedSince(started),
      error: toError(err, sub.id),
      followUps: NO_ENVELOPES,
    };
  }
}

/**
 * Calls the handler in the attempt's scope, so any `bus.emit()` made while it
 * runs (injected bus, module-level bus, ctx) is one of its follow-ups. Returns
 * its plain result, or a native promise for anything awaitable or thrown.
 */
function start(host: DispatchHost, sub: Subscription, ctx: InvocationContext): unknown {
  try {
    const result = host.instrumentation
      ? startTraced(host.instrumentation, host, sub, ctx)
      : host.runIn(ctx, sub.invoke, ctx.causedBy.event, ctx);
    return promiseOf(result) ?? result;
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}

/** The handler call inside the attempt's telemetry (its span is the active one while it runs). */
function startTraced(
  traced: GuardedInstrumentation,
  host: DispatchHost,
  sub: Subscription,
  ctx: InvocationContext,
): unknown {
  const telemetry = traced.attempt(ctx.causedBy, sub.id, ctx.attempt);
  if (!telemetry) return host.runIn(ctx, sub.invoke, ctx.causedBy.event, ctx);
  ctx.telemetry = telemetry;
  return traced.run(telemetry, () => host.runIn(ctx, sub.invoke, ctx.causedBy.event, ctx));
}

/**
 * The promise a handler's return value stands for, or undefined for a plain
 * value. Everything a handler hands back is hostile until proven otherwise:
 * reading `then` may throw (a getter, a revoked proxy), and calling it may
 * throw; the caller turns either into the attempt's failure. Foreign thenables
 * are adopted through a native promise, whose resolve function catches a
 * throwing `then`.
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

function withTimeout(
  host: DispatchHost,
  sub: Subscription,
  ctx: InvocationContext,
  pending: Promise<unknown>,
): Promise<unknown> {
  const timeoutMs = sub.timeoutMs ?? 0;
  return new Promise((resolve, reject) => {
    const timer = host.clock.setTimeout(() => {
      const error = new HandlerTimeoutError(sub.id, timeoutMs);
      ctx.abort(error);
      reject(error);
    }, timeoutMs);
    const clear = () => host.clock.clearTimeout(timer);
    // A late rejection after the timeout lands here, so it is never unhandled.
    pending.then(
      (v) => {
        clear();
        resolve(v);
      },
      (e) => {
        clear();
        reject(e);
      },
    );
  });
}

/**
 * Runs the `when` predicate: undefined when the handler should run, else the
 * outcome (skipped; or failed, when `when` threw or returned a promise).
 */
function whenOutcome(
  host: DispatchHost,
  sub: Subscription,
  envelope: EventEnvelope,
  started: number,
): HandlerOutcome | undefined {
  let pass: unknown;
  try {
    pass = sub.when?.(envelope.event, envelope);
    if (catchRejection(pass, ignore))
      throw new TypeError(
        `\`when\` of ${sub.id} returned a promise; it must return a boolean synchronously`,
      );
  } catch (thrown) {
    const error = toError(thrown, sub.id);
    reportFailure(host, sub, envelope, 1, error, false, undefined);
    return fail(host, sub, envelope, 1, error, started);
  }
  return pass ? undefined : skipped(sub, started);
}

/** The rejection of a promise `when` returned: its misuse is already the failure reported. */
function ignore(): void {}

function skipped(sub: Subscription, started: number): HandlerOutcome {
  return {
    handlerId: sub.id,
    status: 'skipped',
    attempts: 0,
    durationMs: elapsedSince(started),
    followUps: NO_ENVELOPES,
  };
}

function succeeded(
  sub: Subscription,
  attempt: number,
  result: unknown,
  followUps: readonly EventEnvelope[],
  started: number,
): HandlerOutcome {
  return {
    handlerId: sub.id,
    status: 'succeeded',
    attempts: attempt,
    durationMs: elapsedSince(started),
    result,
    followUps,
  };
}
