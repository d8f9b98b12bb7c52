/**
 * Every error koa-event-bus throws or reports. Each has a stable `code` (check
 * `err.code`, not only `instanceof`: two copies of the package break
 * `instanceof`), a `cause` where there is one, and a `hint` that says what to do
 * next. `docs/reference/errors.md` has one row per code; a test keeps the two in
 * sync.
 */

/**
 * Stable error codes. Never renamed; new ones are only added.
 *
 * @example
 * ```ts
 * if (isKoaEventBusError(err, ErrorCode.BusOverflow)) ctx.status = 503;
 * ```
 */
export const ErrorCode = {
  ReflectMetadataMissing: 'KEB_REFLECT_METADATA_MISSING',
  MissingEventHandlerDecorator: 'KEB_MISSING_EVENT_HANDLER_DECORATOR',
  NotAHandlerClass: 'KEB_NOT_A_HANDLER_CLASS',
  DuplicateHandlerId: 'KEB_DUPLICATE_HANDLER_ID',
  InvalidHandlerOptions: 'KEB_INVALID_HANDLER_OPTIONS',
  DiscoveryFailed: 'KEB_DISCOVERY_FAILED',
  UnresolvableDependency: 'KEB_UNRESOLVABLE_DEPENDENCY',
  CircularDependency: 'KEB_CIRCULAR_DEPENDENCY',
  InvalidEvent: 'KEB_INVALID_EVENT',
  HandlerTimeout: 'KEB_HANDLER_TIMEOUT',
  HandlerThrewNonError: 'KEB_HANDLER_THREW_NON_ERROR',
  NonRetriable: 'KEB_NON_RETRIABLE',
  CausationDepthExceeded: 'KEB_CAUSATION_DEPTH_EXCEEDED',
  FollowUpBudgetExceeded: 'KEB_FOLLOW_UP_BUDGET_EXCEEDED',
  UnhandledEvent: 'KEB_UNHANDLED_EVENT',
  BusOverflow: 'KEB_BUS_OVERFLOW',
  BusClosed: 'KEB_BUS_CLOSED',
  PublishFailed: 'KEB_PUBLISH_FAILED',
  TransportPublishTimeout: 'KEB_TRANSPORT_PUBLISH_TIMEOUT',
  TransportPublishRejected: 'KEB_TRANSPORT_PUBLISH_REJECTED',
  TransportClosed: 'KEB_TRANSPORT_CLOSED',
  InvalidOptions: 'KEB_INVALID_OPTIONS',
  DispatchFailed: 'KEB_DISPATCH_FAILED',
  WaitForTimeout: 'KEB_WAIT_FOR_TIMEOUT',
  DrainTimeout: 'KEB_DRAIN_TIMEOUT',
  Http: 'KEB_HTTP_ERROR',
  Internal: 'KEB_INTERNAL_ERROR',
  ValidationFailed: 'KEB_VALIDATION_FAILED',
  MalformedBody: 'KEB_MALFORMED_BODY',
  PayloadTooLarge: 'KEB_PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'KEB_UNSUPPORTED_MEDIA_TYPE',
  InvalidRouteDefinition: 'KEB_INVALID_ROUTE_DEFINITION',
  TestingKit: 'KEB_TESTING_KIT',
  EventEncodeFailed: 'KEB_EVENT_ENCODE_FAILED',
  EventDecodeFailed: 'KEB_EVENT_DECODE_FAILED',
  DuplicateEventName: 'KEB_DUPLICATE_EVENT_NAME',
  CliTypeScriptMissing: 'KEB_CLI_TYPESCRIPT_MISSING',
  CliProjectInvalid: 'KEB_CLI_PROJECT_INVALID',
  CliAppNotFound: 'KEB_CLI_APP_NOT_FOUND',
} as const;

/**
 * Union of every stable error code.
 *
 * @example
 * ```ts
 * const code: ErrorCode = 'KEB_HANDLER_TIMEOUT';
 * ```
 */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Base class of every koa-event-bus error.
 *
 * @example
 * ```ts
 * try { createEventBus({ handlers: [A, B] }); }
 * catch (err) { if (isKoaEventBusError(err, 'KEB_DUPLICATE_HANDLER_ID')) console.error(err.hint); }
 * ```
 */
export class KoaEventBusError extends Error {
  /** Stable, documented code: see docs/reference/errors.md. */
  readonly code: ErrorCode;
  /** What to do next, in one sentence. */
  readonly hint: string;

  constructor(code: ErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(
      `${message} ${hint}`.trim(),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.code = code;
    this.hint = hint;
  }
}

/**
 * True when `err` is a koa-event-bus error (optionally with the given code).
 * Works across duplicate copies of the package, unlike `instanceof`.
 *
 * @example
 * ```ts
 * if (isKoaEventBusError(err, 'KEB_VALIDATION_FAILED')) console.log(err.hint);
 * ```
 */
export function isKoaEventBusError(err: unknown, code?: ErrorCode): err is KoaEventBusError {
  if (typeof err !== 'object' || err === null) return false;
  const c = (err as { code?: unknown }).code;
  return typeof c === 'string' && c.startsWith('KEB_') && (code === undefined || c === code);
}

/**
 * reflect-metadata is not loaded, so decorator metadata cannot be recorded or read.
 *
 * @example
 * ```ts
 * // entry point, first line:
 * import 'reflect-metadata';
 * ```
 */
export class ReflectMetadataMissingError extends KoaEventBusError {
  constructor() {
    super(
      ErrorCode.ReflectMetadataMissing,
      'The Reflect metadata API is missing (Reflect.getMetadata is not a function).',
      "Add `import 'reflect-metadata';` as the first line of your entry point (and to jest `setupFiles`).",
    );
  }
}

/**
 * A class has `@OnEvent` methods but is not marked with `@EventHandler()`.
 *
 * @example
 * ```ts
 * @EventHandler() // ← without it, createEventBus throws KEB_MISSING_EVENT_HANDLER_DECORATOR
 * class Audit { @OnEvent(UserRegistered) record() {} }
 * ```
 */
export class MissingEventHandlerDecoratorError extends KoaEventBusError {
  constructor(readonly className: string) {
    super(
      ErrorCode.MissingEventHandlerDecorator,
      `Class ${className} has @OnEvent methods but no @EventHandler() decorator.`,
      `Add @EventHandler() above \`class ${className}\` so it can be discovered and constructed.`,
    );
  }
}

/**
 * A class passed as a handler carries no handler metadata at all.
 *
 * @example
 * ```ts
 * createEventBus({ handlers: [Mailer] }); // throws KEB_NOT_A_HANDLER_CLASS: Mailer is a service
 * ```
 */
export class NotAHandlerClassError extends KoaEventBusError {
  constructor(readonly className: string) {
    super(
      ErrorCode.NotAHandlerClass,
      `${className} was passed in \`handlers\` but has no @EventHandler() or @OnEvent() metadata.`,
      `Decorate it with @EventHandler() and at least one @OnEvent(Event) method, or remove it from \`handlers\`.`,
    );
  }
}

/**
 * Two subscriptions on one bus share a handler id.
 *
 * @example
 * ```ts
 * @OnEvent(UserRegistered, { id: 'welcome-email' }) // ids must be unique per bus
 * ```
 */
export class DuplicateHandlerIdError extends KoaEventBusError {
  constructor(
    readonly handlerId: string,
    readonly owners: readonly string[],
  ) {
    super(
      ErrorCode.DuplicateHandlerId,
      `Handler id "${handlerId}" is used more than once (${owners.join(', ')}).`,
      'Handler ids must be unique per bus: give one of them an explicit id with @OnEvent(Event, { id: "..." }).',
    );
  }
}

/**
 * `@OnEvent` options that cannot work (negative attempts, non-integer order...).
 *
 * @example
 * ```ts
 * @OnEvent(UserRegistered, { retry: { attempts: 0 } }) // KEB_INVALID_HANDLER_OPTIONS at startup
 * ```
 */
export class InvalidHandlerOptionsError extends KoaEventBusError {
  constructor(
    readonly handlerId: string,
    problem: string,
  ) {
    super(
      ErrorCode.InvalidHandlerOptions,
      `Invalid options for handler "${handlerId}": ${problem}.`,
      'Fix the @OnEvent(...) options; see docs/guide/events-and-handlers.md#options.',
    );
  }
}

/**
 * A file matched by `discover` could not be loaded.
 *
 * @example
 * ```ts
 * try { createEventBus({ discover: ['src/**\/*.handler.ts'] }); }
 * catch (err) { if (err instanceof DiscoveryFailedError) console.error(err.file, err.cause); }
 * ```
 */
export class DiscoveryFailedError extends KoaEventBusError {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(
      ErrorCode.DiscoveryFailed,
      `Could not load handler file ${file}: ${describeCause(cause)}.`,
      'Fix the error in that file, or narrow the `discover` glob so it does not match it.',
      { cause },
    );
  }
}

/**
 * The resolver cannot build a constructor parameter.
 *
 * @example
 * ```ts
 * // constructor(private readonly repo: UserRepo) where UserRepo is an interface:
 * createEventBus({ handlers, providers: [[USER_REPO, new PgUserRepo(pool)]] }); // + @Inject(USER_REPO)
 * ```
 */
export class UnresolvableDependencyError extends KoaEventBusError {
  constructor(
    readonly className: string,
    readonly parameterIndex: number,
    reason: string,
    hint?: string,
  ) {
    super(
      ErrorCode.UnresolvableDependency,
      `Cannot resolve parameter #${parameterIndex} of ${className}: ${reason}.`,
      hint ??
        `Register it in \`providers\` (e.g. providers: [[Token, value]]), mark the parameter with @Inject(Token), or pass your own container as \`resolve\`.`,
    );
  }
}

/**
 * Constructor injection found a cycle.
 *
 * @example
 * ```ts
 * err.path; // ['A', 'B', 'A']
 * ```
 */
export class CircularDependencyError extends KoaEventBusError {
  constructor(readonly path: readonly string[]) {
    super(
      ErrorCode.CircularDependency,
      `Circular constructor dependency: ${path.join(' -> ')}.`,
      'Break the cycle: inject a factory via `providers`, or move the shared part into a third class.',
    );
  }
}

/**
 * Something that is not an event class instance was emitted or dispatched.
 *
 * @example
 * ```ts
 * bus.emit({ userId: 'u1' });              // throws KEB_INVALID_EVENT
 * bus.emit(new UserRegistered('u1', 'a')); // fine
 * ```
 */
export class InvalidEventError extends KoaEventBusError {
  constructor(readonly received: string) {
    super(
      ErrorCode.InvalidEvent,
      `Only instances of event classes can be emitted; received ${received}.`,
      'Emit `new MyEvent(...)`: events are matched by class, so plain objects and primitives have no handlers.',
    );
  }
}

/**
 * A handler invocation ran past its `timeoutMs`.
 *
 * @example
 * ```ts
 * hooks: { onError: ({ error }) => { if (error instanceof HandlerTimeoutError) metrics.timeouts++; } }
 * ```
 */
export class HandlerTimeoutError extends KoaEventBusError {
  constructor(
    readonly handlerId: string,
    readonly timeoutMs: number,
  ) {
    super(
      ErrorCode.HandlerTimeout,
      `Handler "${handlerId}" did not finish within ${timeoutMs} ms; its signal was aborted.`,
      'Raise `timeoutMs` for this handler, or make it honour `ctx.signal` and finish sooner.',
    );
  }
}

/**
 * A handler threw (or rejected with) something that is not an Error; it is wrapped here.
 *
 * @example
 * ```ts
 * report.outcome('Legacy.handle')?.error; // HandlerThrewNonErrorError, with .thrown === 'oops'
 * ```
 */
export class HandlerThrewNonErrorError extends KoaEventBusError {
  constructor(
    readonly handlerId: string,
    readonly thrown: unknown,
  ) {
    super(
      ErrorCode.HandlerThrewNonError,
      `Handler "${handlerId}" threw a non-Error value: ${describeCause(thrown)}.`,
      'Throw Error instances so stack traces survive; the thrown value is on `err.thrown`.',
      { cause: thrown },
    );
  }
}

/**
 * Thrown by a handler to say "retrying cannot help": the attempt fails and goes
 * straight to the dead letters, whatever the retry policy (a malformed
 * address, a record that no longer exists). Recognised by its `code`, so an
 * error from another copy of the package works too.
 *
 * @example
 * ```ts
 * @OnEvent(UserRegistered, { retry: { attempts: 5, backoffMs: 1_000 } })
 * async send(event: UserRegistered) {
 *   if (!event.email.includes('@')) throw new NonRetriableError(`not an address: ${event.email}`);
 *   await this.mailer.welcome(event.email);
 * }
 * ```
 */
export class NonRetriableError extends KoaEventBusError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(
      ErrorCode.NonRetriable,
      message,
      '(Not retried: dead-lettered at once; fix the data or the handler, then replay it.)',
      options,
    );
  }
}

/**
 * True for an error that says "do not retry" (`NonRetriableError`, by its code).
 *
 * @example
 * ```ts
 * createEventBus({ handlers, shouldRetry: ({ error }) => !isNonRetriable(error) && !isBadRequest(error) });
 * ```
 */
export function isNonRetriable(err: unknown): boolean {
  try {
    return (err as { code?: unknown } | null)?.code === ErrorCode.NonRetriable;
  } catch {
    return false; // a revoked proxy: not a verdict we can read
  }
}

/**
 * A chain of follow-up events went deeper than `maxCausationDepth` (likely a cycle).
 *
 * @example
 * ```ts
 * hooks: { onDiscard: ({ reason }) => { if (reason.kind === 'causation-depth') alert(reason.error.message); } }
 * ```
 */
export class CausationDepthExceededError extends KoaEventBusError {
  constructor(
    readonly eventName: string,
    readonly depth: number,
    readonly chain: readonly string[],
  ) {
    super(
      ErrorCode.CausationDepthExceeded,
      `Follow-up event ${eventName} would be at causation depth ${depth} (limit exceeded): ${[...chain.slice(-8), eventName].join(' -> ')}.`,
      'A handler probably re-emits what triggered it. Break the cycle, or raise `maxCausationDepth` if the chain is intended.',
    );
  }
}

/**
 * One root event has caused more follow-up events (descendants, at any depth)
 * than `maxFollowUpsPerRoot`: a fan-out cycle, or a fan-out bigger than intended.
 * Further follow-ups of that root are discarded (reported to `onDiscard`); other
 * roots are not affected.
 *
 * @example
 * ```ts
 * hooks: { onDiscard: ({ reason }) => { if (reason.kind === 'follow-up-budget') alert(reason.error.message); } }
 * ```
 */
export class FollowUpBudgetExceededError extends KoaEventBusError {
  constructor(
    readonly rootEventId: string,
    readonly rootEventName: string,
    readonly limit: number,
    readonly chain: readonly string[],
  ) {
    super(
      ErrorCode.FollowUpBudgetExceeded,
      `Root event ${rootEventName} (id ${rootEventId}) has caused more than ${limit} follow-up events; further follow-ups of it are discarded. Last chain: ${[...chain.slice(0, 3), ...(chain.length > 8 ? ['...'] : []), ...chain.slice(Math.max(3, chain.length - 5))].join(' -> ')}.`,
      'A handler probably emits what (indirectly) triggers it: break the cycle, or raise `maxFollowUpsPerRoot` if the fan-out is intended.',
    );
  }
}

/**
 * An event was emitted that no handler is subscribed to, and the bus's
 * `onUnhandledEvent` policy is `'throw'`.
 *
 * @example
 * ```ts
 * const bus = createEventBus({ handlers: [], onUnhandledEvent: 'throw' });
 * bus.emit(new OrderShipped('o-1')); // throws KEB_UNHANDLED_EVENT
 * ```
 */
export class UnhandledEventError extends KoaEventBusError {
  constructor(readonly eventName: string) {
    super(
      ErrorCode.UnhandledEvent,
      `No handler is subscribed to ${eventName}: it would be dispatched to nobody.`,
      'Register a handler class for it (`handlers` or `discover`), subscribe with `bus.on`, or set `onUnhandledEvent` to `warn` or `ignore` if events without handlers are intended.',
    );
  }
}

/**
 * The bus already holds `maxInFlight` events and the overflow policy is `'throw'`.
 *
 * @example
 * ```ts
 * try { bus.emit(event); } catch (err) { if (isKoaEventBusError(err, 'KEB_BUS_OVERFLOW')) shedLoad(); }
 * ```
 */
export class BusOverflowError extends KoaEventBusError {
  constructor(
    readonly limit: number,
    readonly eventName: string,
  ) {
    super(
      ErrorCode.BusOverflow,
      `The bus holds ${limit} in-flight events (maxInFlight); ${eventName} was not accepted.`,
      'Shed load (HTTP answers 503), raise `maxInFlight`, or add handler capacity (`concurrency`).',
    );
  }
}

/**
 * `emit`/`dispatch` after `close()`.
 *
 * @example
 * ```ts
 * await bus.close();
 * bus.emit(new UserRegistered('u1', 'a')); // throws KEB_BUS_CLOSED
 * ```
 */
export class BusClosedError extends KoaEventBusError {
  constructor(readonly eventName: string) {
    super(
      ErrorCode.BusClosed,
      `The bus is closed; ${eventName} was not accepted.`,
      'Emit before calling close(), or create a new bus.',
    );
  }
}

/**
 * The transport could not store events a request emitted (a broker that did not
 * confirm them): with durability `before-response` the request is answered 503
 * instead of 2xx, so a 2xx always means the events are stored. The events are
 * also reported to `onDiscard` (reason `publish-failed`), by id.
 *
 * @example
 * ```ts
 * if (isKoaEventBusError(err, ErrorCode.PublishFailed)) console.error(err.eventIds);
 * ```
 */
export class PublishFailedError extends KoaEventBusError {
  constructor(
    readonly eventIds: readonly string[],
    options: { cause?: unknown } = {},
  ) {
    super(
      ErrorCode.PublishFailed,
      `${eventIds.length} event(s) could not be stored by the transport (${eventIds.slice(0, 5).join(', ')}${eventIds.length > 5 ? ', ...' : ''}): ${describeCause(options.cause)}.`,
      'Check the broker connection; the client may retry the request.',
      options,
    );
  }
}

/**
 * Options that cannot work together, found when the bus or app is created.
 *
 * @example
 * ```ts
 * createApp({ durability: 'before-response' }); // throws: needs a broker transport
 * ```
 */
export class InvalidOptionsError extends KoaEventBusError {
  constructor(option: string, problem: string, hint: string) {
    super(ErrorCode.InvalidOptions, `Invalid option \`${option}\`: ${problem}.`, hint);
  }
}

/**
 * Raised by `DispatchReport.throwIfFailed()`: one entry per failed handler.
 *
 * @example
 * ```ts
 * try { (await bus.dispatch(event)).throwIfFailed(); }
 * catch (err) { if (err instanceof DispatchFailedError) console.error(err.failedHandlerIds, err.errors); }
 * ```
 */
export class DispatchFailedError extends AggregateError {
  readonly code = ErrorCode.DispatchFailed;
  readonly hint = 'Inspect `err.errors` (one per failed handler) or the report outcomes.';
  override name = 'DispatchFailedError';

  constructor(
    readonly eventName: string,
    readonly failedHandlerIds: readonly string[],
    errors: readonly unknown[],
  ) {
    super(
      errors,
      `${failedHandlerIds.length} handler(s) failed for ${eventName}: ${failedHandlerIds.join(', ')}.`,
    );
  }
}

/**
 * `bus.waitFor()` saw no matching event in time.
 *
 * @example
 * ```ts
 * await expect(bus.waitFor(OrderShipped, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'KEB_WAIT_FOR_TIMEOUT' });
 * ```
 */
export class WaitForTimeoutError extends KoaEventBusError {
  constructor(
    readonly eventName: string,
    readonly timeoutMs: number,
  ) {
    super(
      ErrorCode.WaitForTimeout,
      `No ${eventName} matching the predicate was dispatched within ${timeoutMs} ms.`,
      'Check that the event is emitted and committed (a failed request discards its events), or raise `timeoutMs`.',
    );
  }
}

/**
 * `bus.drain(timeoutMs)` timed out; `pending` says what was still there.
 *
 * @example
 * ```ts
 * try { await bus.drain(1_000); } catch (err) { if (err instanceof DrainTimeoutError) console.error(err.pending); }
 * ```
 */
export class DrainTimeoutError extends KoaEventBusError {
  constructor(
    readonly timeoutMs: number,
    readonly pending: Readonly<Record<string, number>>,
  ) {
    super(
      ErrorCode.DrainTimeout,
      `The bus did not become idle within ${timeoutMs} ms (${Object.entries(pending)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}).`,
      'A handler may hang (set `timeoutMs`), a retry may be far away, or a scope was never closed.',
    );
  }
}

/**
 * An HTTP error with a status; thrown from a controller it becomes that response.
 *
 * @example
 * ```ts
 * throw new HttpError(409, `${email} is already registered`); // 409, events of the request discarded
 * ```
 */
export class HttpError extends KoaEventBusError {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    code: ErrorCode = ErrorCode.Http,
  ) {
    super(code, message, '');
    this.expose = status < 500;
  }
  /** Whether `message` may be sent to the client (false for 5xx). */
  expose: boolean;
}

/**
 * One failed field of a request DTO.
 *
 * @example
 * ```ts
 * const field: FieldError = { field: 'address.city', constraints: { isString: 'city must be a string' } };
 * ```
 */
export interface FieldError {
  /** Dotted path of the field (`address.city`, `items.0.sku`). */
  field: string;
  /** class-validator constraint name → message (`isEmail: 'email must be an email'`). */
  constraints: Record<string, string>;
}

/**
 * Request body/query/params failed DTO validation: 400 with one entry per field.
 *
 * @example
 * ```ts
 * throw new ValidationFailedError('body', [{ field: 'email', constraints: { isEmail: 'email must be an email' } }]);
 * ```
 */
export class ValidationFailedError extends HttpError {
  constructor(
    readonly source: 'body' | 'query' | 'params' | 'headers',
    readonly fields: readonly FieldError[],
  ) {
    super(400, `Invalid request ${source}.`, fields, ErrorCode.ValidationFailed);
  }
}

/**
 * The request body is not well-formed (bad JSON).
 *
 * @example
 * ```ts
 * // POST '{"email":' → 400 { error: { code: 'KEB_MALFORMED_BODY', ... } }
 * ```
 */
export class MalformedBodyError extends HttpError {
  constructor(cause?: unknown) {
    super(400, 'Malformed request body.', undefined, ErrorCode.MalformedBody);
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause });
  }
}

/**
 * The request body is larger than the configured limit.
 *
 * @example
 * ```ts
 * createApp({ controllers, bodyParser: { jsonLimit: '1mb' } }); // larger bodies → 413 KEB_PAYLOAD_TOO_LARGE
 * ```
 */
export class PayloadTooLargeError extends HttpError {
  constructor(readonly limit: string | number) {
    super(413, `Request body exceeds the limit of ${limit}.`, undefined, ErrorCode.PayloadTooLarge);
  }
}

/**
 * The request body's content type is not accepted.
 *
 * @example
 * ```ts
 * // POST text/plain to a JSON route → 415 KEB_UNSUPPORTED_MEDIA_TYPE; enable it with bodyParser: { enableTypes: ['json', 'text'] }
 * ```
 */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(
    readonly contentType: string | undefined,
    readonly accepted: readonly string[],
  ) {
    super(
      415,
      `Unsupported content type ${contentType ?? '(none)'}; expected ${accepted.join(', ')}.`,
      undefined,
      ErrorCode.UnsupportedMediaType,
    );
  }
}

/**
 * A controller or route decorator was used in a way that cannot be mounted.
 *
 * @example
 * ```ts
 * @Get('/:id') find(@Param('userId') id: string) {} // KEB_INVALID_ROUTE_DEFINITION: no :userId in the path
 * ```
 */
export class InvalidRouteDefinitionError extends KoaEventBusError {
  constructor(
    readonly where: string,
    problem: string,
  ) {
    super(
      ErrorCode.InvalidRouteDefinition,
      `Invalid route definition at ${where}: ${problem}.`,
      'See docs/guide/http.md for the controller decorators.',
    );
  }
}

/**
 * An event could not be serialized for a broker: class-transformer or
 * `JSON.stringify` threw (a circular reference, a `BigInt`, a throwing
 * getter), or the body is larger or deeper than consumers accept. The bus
 * reports it as `publish-failed`.
 *
 * @example
 * ```ts
 * hooks: { onDiscard: ({ reason }) => { if (isKoaEventBusError(reason.error, 'KEB_EVENT_ENCODE_FAILED')) alert(reason.error.message); } }
 * ```
 */
export class EventEncodeError extends KoaEventBusError {
  constructor(
    readonly eventName: string,
    readonly eventId: string,
    problem: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      ErrorCode.EventEncodeFailed,
      `Cannot encode event ${eventName} (id ${eventId}): ${problem}.`,
      'Keep events plain data (JSON values, Dates, nested objects without cycles); leave out the rest with class-transformer `@Exclude()` or convert it with `@Transform()`.',
      options,
    );
  }
}

/** Why a received message could not become an event. */
export type EventDecodeReason = 'unknown-event' | 'unknown-version' | 'malformed' | 'invalid';

const DECODE_HINTS: Record<EventDecodeReason, string> = {
  'unknown-event':
    'No event class with this wire name is bound in this process: deploy the consumer with the event class and a handler for it (or unbind the queue), then replay the dead letter.',
  'unknown-version':
    'Deploy a consumer whose event class declares this version (`@Event(name, { version })`), or have the producer publish one this consumer knows; then replay the dead letter.',
  malformed:
    'The message was not published by a koa-event-bus codec, or was altered on the way: fix the producer, then replay the dead letter.',
  invalid:
    "The body breaks the event class's validation rules (see `fieldErrors`): fix the producer (or the rules), then replay the dead letter.",
};

/**
 * A message received from a broker could not become an event; a broker
 * transport dead-letters it with `reason`. Never retried: decoding the same
 * bytes again gives the same answer.
 *
 * @example
 * ```ts
 * hooks: { onDeadLetter: ({ error }) => { if (isKoaEventBusError(error, 'KEB_EVENT_DECODE_FAILED')) metrics.poison.inc({ reason: error.reason }); } }
 * ```
 */
export class EventDecodeError extends KoaEventBusError {
  readonly eventName: string | undefined;
  readonly eventVersion: number | undefined;
  readonly messageId: string | undefined;
  /** For `invalid` (class-validator failures) and unsafe `malformed` bodies: one entry per field. */
  readonly fieldErrors: readonly FieldError[] | undefined;

  constructor(
    readonly reason: EventDecodeReason,
    problem: string,
    about: {
      eventName?: string | undefined;
      eventVersion?: number | undefined;
      messageId?: string | undefined;
      fieldErrors?: readonly FieldError[] | undefined;
    } = {},
    options: { cause?: unknown } = {},
  ) {
    const version = about.eventVersion === undefined ? '' : ` v${about.eventVersion}`;
    super(
      ErrorCode.EventDecodeFailed,
      `Cannot decode message ${about.messageId ?? '(no message id)'} (${about.eventName ?? 'no event name'}${version}), ${reason}: ${problem}.`,
      DECODE_HINTS[reason],
      options,
    );
    this.eventName = about.eventName;
    this.eventVersion = about.eventVersion;
    this.messageId = about.messageId;
    this.fieldErrors = about.fieldErrors;
  }
}

/**
 * Two event classes bound on one bus share a wire name and version, so a
 * message received from a broker could not say which class it is.
 *
 * @example
 * ```ts
 * @Event('user.registered') class UserRegistered {}
 * @Event('user.registered') class UserSignedUp {} // KEB_DUPLICATE_EVENT_NAME when both are bound
 * ```
 */
export class DuplicateEventNameError extends KoaEventBusError {
  constructor(
    readonly eventName: string,
    readonly eventVersion: number,
    readonly classNames: readonly string[],
  ) {
    super(
      ErrorCode.DuplicateEventName,
      `Event classes ${classNames.join(' and ')} both have wire name "${eventName}" version ${eventVersion}.`,
      'Give each event class its own `@Event(name)`, or its own `version` if one is the next schema of the other.',
    );
  }
}

/** Short printable form of an unknown thrown value. */
export function describeCause(cause: unknown): string {
  // Never throws: the value may be a revoked proxy, or an Error whose getters throw.
  try {
    if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
    return typeof cause === 'string' ? JSON.stringify(cause) : String(cause);
  } catch {
    return `(an unprintable ${typeof cause})`;
  }
}
