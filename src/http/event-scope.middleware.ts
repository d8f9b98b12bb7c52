import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { EventBus } from '../bus/event-bus';
import type { EventScope } from '../bus/event-scope';
import { InvalidOptionsError } from '../kernel/errors';
import type { DiscardReason } from '../kernel/hooks';
import { InMemoryTransport } from '../transport/in-memory-transport';
import { toErrorResponse } from './error-response';

/**
 * What `commitWhen` is told about a finished request.
 *
 * @example
 * ```ts
 * commitWhen: (_ctx, { status, escaped, aborted }) => !escaped && !aborted && status < 400 // discard on client abort too
 * ```
 */
export interface RequestOutcome {
  /** Final response status. */
  status: number;
  /** The error that escaped the middleware chain, or was caught by `httpErrors` (`ctx.state.error`). */
  error: unknown;
  /** True when an error escaped the chain (not handled by any middleware). */
  escaped: boolean;
  /** True when the connection closed before the response was fully written (client abort). */
  aborted: boolean;
}

/**
 * Options of `eventScope`.
 *
 * @example
 * ```ts
 * app.use(eventScope(bus, {
 *   // also commit on 404s, e.g. for a "page not found" analytics event
 *   commitWhen: (ctx, outcome) => !outcome.escaped && (outcome.status < 400 || outcome.status === 404),
 * }));
 * ```
 */
export interface EventScopeOptions {
  /**
   * Decides commit (true) or discard (false) once the response has finished.
   * Default: no error escaped and status < 400. A client abort after a
   * successful handler commits: the server-side action happened.
   */
  commitWhen?: (ctx: Context, outcome: RequestOutcome) => boolean;
  /** Header read for (and echoed with) the correlation id. Default `x-request-id`. */
  requestIdHeader?: string;
  /** Generates a request id when the header is absent or unusable. Default `crypto.randomUUID`. */
  generateRequestId?: () => string;
  /**
   * When a successful request's events are stored. `'after-response'`
   * (default): the scope commits once the response has finished. With
   * `'before-response'` (a broker transport only), the scope commits when the
   * controller returns successfully and the response waits for the broker's
   * confirm, so a 2xx guarantees the events are stored; if they cannot be, the
   * client gets 503 `KEB_PUBLISH_FAILED` instead. Handlers still run in workers.
   */
  durability?: 'after-response' | 'before-response';
}

// Ids from clients are echoed in headers and logs: keep them short and inert.
const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The default commit policy: success = no escaped error and status < 400 (a client abort still commits).
 *
 * @example
 * ```ts
 * createApp({ controllers, commitWhen: (ctx, outcome) => defaultCommitWhen(ctx, outcome) || outcome.status === 404 });
 * ```
 */
export function defaultCommitWhen(_ctx: Context, outcome: RequestOutcome): boolean {
  return !outcome.escaped && outcome.status < 400;
}

/**
 * Koa middleware that gives each request an event scope: `bus.emit()`
 * anywhere downstream (controllers, services, without passing `ctx`) buffers
 * into it, and nothing runs until the Node response has finished (its `close`
 * event, which follows `finish`, or comes alone when the connection was aborted). Then the scope commits (the
 * request succeeded: no error escaped, status < 400) or is discarded and
 * reported to `onDiscard` with the reason.
 *
 * It also sets the correlation id: the request's `x-request-id` (when it is a
 * safe token) or a new UUID, on `ctx.state.requestId`, on every envelope of
 * the request, and echoed on the response.
 *
 * Put it first, outside `httpErrors()` and the router.
 *
 * @example
 * ```ts
 * const app = new Koa();
 * app.use(eventScope(bus));
 * app.use(httpErrors());
 * app.use(router.routes()).use(router.allowedMethods());
 * ```
 */
export function eventScope(bus: EventBus, options: EventScopeOptions = {}): Middleware {
  const header = options.requestIdHeader ?? 'x-request-id';
  const generate = options.generateRequestId ?? randomUUID;
  const commitWhen = options.commitWhen ?? defaultCommitWhen;
  const beforeResponse = options.durability === 'before-response';
  if (beforeResponse) checkStoringTransport(bus);

  return async (ctx, next) => {
    const incoming = ctx.get(header);
    const requestId = SAFE_ID.test(incoming) ? incoming : generate();
    ctx.state.requestId = requestId;
    ctx.set(header, requestId);

    let scope: EventScope;
    try {
      scope = bus.openScope({ correlationId: requestId });
    } catch (err) {
      // The bus is closing: this request must not start work whose events could not run.
      const response = toErrorResponse(err, requestId);
      ctx.status = response.status;
      ctx.set({ ...response.headers, Connection: 'close' });
      ctx.body = response.body;
      return;
    }
    let chainDone = false;
    let finished = false;
    let escaped = false;
    let escapedError: unknown;

    const settle = () => {
      if (!chainDone || !finished || scope.state !== 'open') return;
      const error = escaped ? escapedError : ctx.state.error;
      const outcome: RequestOutcome = {
        status: escaped ? statusOfEscaped(escapedError) : ctx.status,
        error,
        escaped,
        aborted: !ctx.res.writableFinished,
      };
      let commit: boolean;
      try {
        commit = commitWhen(ctx, outcome);
      } catch (err) {
        bus.logger.error({ err, requestId }, 'commitWhen threw; discarding the request events');
        commit = false;
      }
      if (commit) scope.commit();
      else scope.discard(discardReason(outcome));
    };

    // The response's 'close' fires once it has finished (after 'finish') or
    // when the connection died first (client abort); attached before the
    // chain runs, so an early abort is never missed.
    ctx.res.once('close', () => {
      finished = true;
      settle();
    });
    try {
      await scope.run(next);
      if (beforeResponse) await storeBeforeResponse(ctx, scope, commitWhen, requestId, bus);
    } catch (err) {
      escaped = true;
      escapedError = err;
      throw err;
    } finally {
      chainDone = true;
      settle();
    }
  };
}

/**
 * Durability `before-response`: commit now, while the response is not yet
 * written, and answer 503 if the transport cannot store the events. When the
 * request is not a success yet (commitWhen says no), the scope stays open and
 * is settled when the response finishes, as usual.
 */
async function storeBeforeResponse(
  ctx: Context,
  scope: EventScope,
  commitWhen: NonNullable<EventScopeOptions['commitWhen']>,
  requestId: string,
  bus: EventBus,
): Promise<void> {
  const outcome: RequestOutcome = {
    status: ctx.status,
    error: ctx.state.error,
    escaped: false,
    aborted: false,
  };
  let commit = false;
  try {
    commit = commitWhen(ctx, outcome);
  } catch {
    return; // settled (discarded, and logged) when the response finishes
  }
  if (!commit) return;
  try {
    await scope.commitConfirmed();
  } catch (err) {
    bus.logger.error(
      { err, requestId },
      'events of a successful request could not be stored: answered 503',
    );
    const response = toErrorResponse(err, requestId);
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body;
  }
}

function checkStoringTransport(bus: EventBus): void {
  const transport = bus.options.transport;
  if (transport === undefined || transport instanceof InMemoryTransport)
    throw new InvalidOptionsError(
      'durability',
      "'before-response' needs a transport that stores events (a broker); with the in-memory transport handlers would start before the response is written",
      "Use a broker transport (rabbitmqTransport(...)), or durability 'after-response' (the default).",
    );
}

function statusOfEscaped(err: unknown): number {
  let status: unknown;
  try {
    status =
      (err as { status?: unknown; statusCode?: unknown } | null)?.status ??
      (err as { statusCode?: unknown } | null)?.statusCode;
  } catch {
    return 500; // an unreadable thrown value (a revoked proxy): a server fault
  }
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : 500;
}

function discardReason(outcome: RequestOutcome): DiscardReason {
  if (outcome.error !== undefined)
    return { kind: 'http-error', status: outcome.status, error: outcome.error };
  return { kind: 'http-status', status: outcome.status };
}
