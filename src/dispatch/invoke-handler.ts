import type { EventEnvelope } from '../bus/event-envelope';
import type { EventScope } from '../bus/event-scope';
import { HandlerThrewNonErrorError, HandlerTimeoutError } from '../errors';
import type { Subscription } from '../handlers/subscription';
import { callHook, type DispatchDeps } from './dispatch-deps';
import type { HandlerOutcome } from './dispatch-report';
import type { RetryDecision } from './hooks';
import { InvocationContext } from './invocation-context';
import { retryDelay } from './retry-delay';

/**
 * Runs one subscription for one envelope, isolated: a sync throw, a rejection,
 * a non-Error throw, a timeout and a throwing `when` all end as a `failed`
 * outcome, never as an exception. Retries per policy, reports each failed
 * attempt to `onError`, dead-letters after the last one. Follow-ups of the
 * successful attempt are committed; those of failed attempts are discarded.
 */
export async function invokeHandler(
  deps: DispatchDeps,
  sub: Subscription,
  envelope: EventEnvelope,
): Promise<HandlerOutcome> {
  const started = performance.now();
  if (sub.when) {
    let pass: boolean;
    try {
      pass = sub.when(envelope.event, envelope);
    } catch (thrown) {
      const error = toError(thrown, sub.id);
      reportFailure(deps, sub, envelope, 1, error, false, undefined);
      return fail(deps, sub, envelope, 1, error, started);
    }
    if (!pass)
      return {
        handlerId: sub.id,
        status: 'skipped',
        attempts: 0,
        durationMs: performance.now() - started,
        followUps: [],
      };
  }
  for (let attempt = 1; ; attempt++) {
    const seen = attempt === 1 ? envelope : { ...envelope, attempt };
    const scope = deps.openInvocationScope(envelope);
    const ctx = new InvocationContext(
      seen,
      sub.id,
      attempt,
      scope,
      deps.logger,
      deps.liveControllers,
    );
    try {
      const result = await runAttempt(deps, sub, scope, ctx);
      collectReturnedEvents(result, scope);
      const followUps = scope.commit();
      return {
        handlerId: sub.id,
        status: 'succeeded',
        attempts: attempt,
        durationMs: performance.now() - started,
        result,
        followUps,
      };
    } catch (thrown) {
      const error = toError(thrown, sub.id);
      scope.discard({ kind: 'handler-failed', handlerId: sub.id, error });
      const willRetry =
        attempt < sub.retry.attempts &&
        !deps.isStopping() &&
        allowsRetry(deps, { envelope: seen, handlerId: sub.id, attempt, error });
      const delay = willRetry ? retryDelay(sub.retry, attempt + 1, deps.random) : undefined;
      reportFailure(deps, sub, seen, attempt, error, willRetry, delay);
      if (!willRetry) return fail(deps, sub, envelope, attempt, error, started);
      // false: close() gave up waiting and cancelled the timer; the last error stands.
      if (!(await deps.sleep(delay ?? 0))) {
        deps.logger.error(
          { err: error, handlerId: sub.id, eventId: envelope.id, attempt },
          `handler ${sub.id}: retry cancelled by close(), dead-lettered`,
        );
        return fail(deps, sub, envelope, attempt, error, started);
      }
    } finally {
      ctx.release();
    }
  }
}

function runAttempt(
  deps: DispatchDeps,
  sub: Subscription,
  scope: EventScope,
  ctx: InvocationContext,
): Promise<unknown> {
  let result: unknown;
  try {
    result = scope.run(() => sub.invoke(ctx.envelope.event, ctx));
  } catch (thrown) {
    return Promise.reject(thrown);
  }
  if (sub.timeoutMs === undefined) return Promise.resolve(result);
  const timeoutMs = sub.timeoutMs;
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

/** Returned event instances (or arrays of them) become follow-ups; other return values are results only. */
function collectReturnedEvents(result: unknown, scope: EventScope): void {
  if (Array.isArray(result)) {
    for (const item of result) if (isEventInstance(item)) scope.add(item);
  } else if (isEventInstance(result)) scope.add(result);
}

function isEventInstance(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (
    proto !== null &&
    proto !== Object.prototype &&
    proto !== Array.prototype &&
    typeof (value as { then?: unknown }).then !== 'function' &&
    !(value instanceof Error)
  );
}

function reportFailure(
  deps: DispatchDeps,
  sub: Subscription,
  envelope: EventEnvelope,
  attempt: number,
  error: Error,
  willRetry: boolean,
  retryInMs: number | undefined,
): void {
  (willRetry ? deps.logger.warn : deps.logger.error).call(
    deps.logger,
    {
      err: error,
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

function fail(
  deps: DispatchDeps,
  sub: Subscription,
  envelope: EventEnvelope,
  attempts: number,
  error: Error,
  started: number,
): HandlerOutcome {
  const letter = {
    envelope,
    handlerId: sub.id,
    attempts,
    error,
    failedAt: new Date(deps.clock.now()),
  };
  deps.keepDeadLetter(letter);
  callHook(deps, 'onDeadLetter', letter);
  return {
    handlerId: sub.id,
    status: 'failed',
    attempts,
    durationMs: performance.now() - started,
    error,
    followUps: [],
  };
}

function allowsRetry(deps: DispatchDeps, info: RetryDecision): boolean {
  if (!deps.shouldRetry) return true;
  try {
    return deps.shouldRetry(info) !== false;
  } catch (err) {
    deps.logger.error({ err, handlerId: info.handlerId }, 'shouldRetry threw; not retrying');
    return false;
  }
}

function toError(thrown: unknown, handlerId: string): Error {
  return thrown instanceof Error ? thrown : new HandlerThrewNonErrorError(handlerId, thrown);
}
