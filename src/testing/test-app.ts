import type { RequestListener } from 'node:http';
import { type App, type AppOptions, createApp } from '../app';
import type { EventBus } from '../bus/event-bus';
import type { Class } from '../kernel/class';
import { silentLogger } from '../kernel/logger';
import { assertWired } from './assert-wired';
import { EphemeralServer } from './ephemeral-server';
import { EventQueries } from './event-queries';
import { EventRecording } from './event-recording';
import { ManualClock } from './manual-clock';
import { RECORDED, type RecordedView } from './recorded';
import { sendRequest, type TestRequest } from './send-request';
import { TestBus } from './test-bus';
import { TestResponse } from './test-response';
import { TestingKitError } from './testing-kit-error';

/**
 * `testApp(options)`: every `createApp` option, plus `fake` (as on `createTestBus`).
 *
 * @example
 * ```ts
 * testApp({ controllers: [UsersController], handlers: [SendWelcomeEmail], clock: new ManualClock(), fake: [AuditRecorded] });
 * ```
 */
export interface TestAppOptions extends AppOptions {
  fake?: true | readonly Class<object>[];
}

/**
 * `testApp({ callback, bus })`: any Koa app that uses `eventScope(bus)` with a `TestBus`.
 *
 * @example
 * ```ts
 * const bus = createTestBus({ handlers: [SendWelcomeEmail] });
 * testApp({ callback: koa.callback(), bus });
 * ```
 */
export interface TestAppTarget {
  /** `koa.callback()` (or the function that returns it). */
  callback: RequestListener | (() => RequestListener);
  bus: TestBus;
  /** The header `eventScope` reads the request id from. Default `x-request-id`. */
  requestIdHeader?: string;
}

/**
 * Per-request options: headers, and whether to wait for post-response dispatch (default true).
 *
 * @example
 * ```ts
 * await t.post('/users', body, { headers: { 'x-request-id': 'req-42' } });
 * ```
 */
export interface TestRequestInit {
  headers?: Record<string, string>;
  drain?: boolean;
}

/**
 * Sends requests to an app in-process (a real server on an ephemeral port of
 * 127.0.0.1) and, before handing you the response, waits for the dispatch
 * that follows it: no sleeps. Each response carries the events of its own
 * request; the TestApp itself answers for the whole app.
 *
 * @example
 * ```ts
 * await using t = testApp({ controllers: [UsersController], handlers: [SendWelcomeEmail], providers });
 * const res = await t.post('/users', { email: 'ada@example.com' });
 * expect(res.status).toBe(201);
 * expect(res).toHaveHandled('SendWelcomeEmail.send');
 * ```
 */
export class TestApp extends EventQueries {
  /** The app, when `testApp` built it from options. */
  readonly app: App | undefined;
  /** The app's bus. */
  readonly bus: EventBus;
  /** Everything the bus recorded (all requests). */
  readonly recording: EventRecording;
  private readonly server: EphemeralServer | undefined;
  private readonly clock: ManualClock | undefined;
  private readonly requestIdHeader: string;
  private listening: Promise<unknown> | undefined;
  private requests = 0;

  constructor(source: TestAppOptions | TestAppTarget | AppFactory, overrides: TestAppOptions = {}) {
    super();
    if (typeof source !== 'function' && isTarget(source)) {
      const options = source;
      if (!(options.bus instanceof TestBus)) {
        throw new TestingKitError(
          'testApp({ callback, bus }): bus is not a TestBus, so nothing it does is recorded.',
          'Create it with createTestBus({ handlers, providers }) and pass that same bus to eventScope(bus) and to testApp.',
        );
      }
      this.app = undefined;
      this.bus = options.bus;
      this.recording = options.bus.recording;
      const cb = options.callback;
      this.server = new EphemeralServer(
        cb.length === 0 ? (cb as () => RequestListener)() : (cb as RequestListener),
      );
      this.clock = undefined; // a TestBus drives its own ManualClock in drain()
      this.requestIdHeader = options.requestIdHeader ?? 'x-request-id';
    } else {
      const factory = typeof source === 'function' ? source : createApp;
      const options = typeof source === 'function' ? overrides : source;
      const { fake, ...appOptions } = options;
      this.recording = new EventRecording();
      if (fake === true) this.recording.fake();
      else if (fake) this.recording.fake(fake);
      const app = factory(this.recording.instrument({ logger: silentLogger, ...appOptions }));
      try {
        assertWired(app.bus, this.recording);
      } catch (error) {
        void app.close(0).catch(() => {}); // nothing listens yet: this only releases the bus
        throw error;
      }
      this.app = app;
      this.bus = app.bus;
      this.server = undefined;
      this.clock = options.clock instanceof ManualClock ? options.clock : undefined;
      this.requestIdHeader = options.requestIdHeader ?? 'x-request-id';
    }
  }

  /**
   * Sends a request; resolves once the response has arrived and (unless
   * `drain: false`) the bus is idle again, follow-ups and retries included.
   */
  async request(req: TestRequest & { drain?: boolean }): Promise<TestResponse> {
    const port = await this.port();
    const headers = { ...req.headers };
    const given = Object.keys(headers).find((h) => h.toLowerCase() === this.requestIdHeader);
    if (given === undefined) headers[this.requestIdHeader] = `test-request-${++this.requests}`;
    const raw = await sendRequest(port, { ...req, headers });
    if (req.drain !== false) await this.drain();
    const echoed = raw.headers[this.requestIdHeader];
    const requestId =
      typeof echoed === 'string' ? echoed : (headers[given ?? this.requestIdHeader] ?? '');
    const own = this.recording.filtered((e) => e.correlationId === requestId);
    return new TestResponse(raw, requestId, () => own[RECORDED]());
  }

  /** `GET path`. */
  get(path: string, init: TestRequestInit = {}): Promise<TestResponse> {
    return this.request({ method: 'GET', path, ...init });
  }

  /** `POST path` with a JSON (object) or raw (string, Buffer) body. */
  post(path: string, body?: unknown, init: TestRequestInit = {}): Promise<TestResponse> {
    return this.request({ method: 'POST', path, body, ...init });
  }

  /** `PUT path` with a body. */
  put(path: string, body?: unknown, init: TestRequestInit = {}): Promise<TestResponse> {
    return this.request({ method: 'PUT', path, body, ...init });
  }

  /** `PATCH path` with a body. */
  patch(path: string, body?: unknown, init: TestRequestInit = {}): Promise<TestResponse> {
    return this.request({ method: 'PATCH', path, body, ...init });
  }

  /** `DELETE path`. */
  delete(path: string, init: TestRequestInit = {}): Promise<TestResponse> {
    return this.request({ method: 'DELETE', path, ...init });
  }

  /** Waits until the bus is idle (moving a ManualClock passed in the options as needed). */
  drain(): Promise<void> {
    return this.clock ? this.clock.runUntil(this.bus.drain()) : this.bus.drain();
  }

  /** Records events of these classes (all, without arguments) without running their handlers. */
  fake(eventClasses?: readonly Class<object>[]): this {
    this.recording.fake(eventClasses);
    return this;
  }

  /** Fakes every event except these classes. */
  fakeExcept(eventClasses: readonly Class<object>[]): this {
    this.recording.fakeExcept(eventClasses);
    return this;
  }

  /** Stops faking. */
  unfake(): this {
    this.recording.unfake();
    return this;
  }

  /** Stops the server and closes the bus: `await using t = testApp(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.app) {
      const closing = this.app.close(1_000);
      await (this.clock ? this.clock.runUntil(closing) : closing);
      return;
    }
    await this.server?.close();
    if (this.bus instanceof TestBus) await this.bus[Symbol.asyncDispose]();
  }

  protected view(): RecordedView {
    return this.recording[RECORDED]();
  }

  private async port(): Promise<number> {
    if (this.server) return this.server.port();
    const app = this.app as App;
    this.listening ??= app.listen(0, '127.0.0.1');
    await this.listening;
    return app.port();
  }
}

/**
 * A function that builds your app from `createApp` options (and passes them
 * on to `createApp`), such as `createUsersApp(options)`. `testApp` checks
 * that it did: an app whose bus was not built from those options is a
 * `TestingKitError` (KEB_TESTING_KIT), not a test that silently records
 * nothing.
 *
 * @example
 * ```ts
 * const factory: AppFactory = (options) => createApp({ controllers: [UsersController], ...options });
 * ```
 */
export type AppFactory = (options: AppOptions) => App;

/**
 * Makes a factory declared without parameters (`() => createApp(...)`, which
 * TypeScript would otherwise accept) a compile error: it cannot pass on the
 * options. The property name is the message you see.
 */
export type FactoryTakesOptions<F extends AppFactory> =
  Parameters<F> extends []
    ? {
        'testApp(factory): your factory must pass the options it receives to createApp: (options) => createApp({ ...yours, ...options })': true;
      }
    : unknown;

/**
 * Wraps an app for in-process HTTP tests, in one of three ways: build one with
 * `createApp` from options; call your own app factory with recording options
 * (it must pass them on to `createApp`: one declared without parameters does
 * not compile, one that ignores them throws a `TestingKitError`); or take any Koa app's `callback` plus
 * the `TestBus` its `eventScope` uses. The first two record with a silent
 * logger.
 *
 * @example
 * ```ts
 * // an app createApp builds
 * await using t = testApp({ controllers: [UsersController], handlers: [SendWelcomeEmail] });
 *
 * // your app factory, with overrides
 * await using t1 = testApp(createUsersApp, { providers: [[Mailer, fakeMailer]] });
 *
 * // your own Koa app
 * const bus = createTestBus({ handlers: [SendWelcomeEmail] });
 * const koa = new Koa().use(eventScope(bus)).use(router.routes());
 * await using t2 = testApp({ callback: koa.callback(), bus });
 * ```
 */
export function testApp(options: TestAppOptions | TestAppTarget): TestApp;
export function testApp<F extends AppFactory>(
  factory: F & FactoryTakesOptions<F>,
  overrides?: TestAppOptions,
): TestApp;
export function testApp(
  source: TestAppOptions | TestAppTarget | AppFactory,
  overrides?: TestAppOptions,
): TestApp {
  return new TestApp(source, overrides);
}

function isTarget(options: TestAppOptions | TestAppTarget): options is TestAppTarget {
  return 'callback' in options && 'bus' in options;
}
