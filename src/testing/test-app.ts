import type { App, Class, EventBus } from '../index';
import { EventQueries } from './event-queries';
import type { HttpTarget } from './http-target';
import { RECORDED, type RecordedView } from './recorded';
import { sendRequest, type TestRequest } from './send-request';
import type { TestBus } from './test-bus';
import { TestResponse } from './test-response';

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
 * that follows it: no sleeps. Each response answers the queries and matchers
 * for the events of its own request; the TestApp answers for the whole app.
 * Build it with `testApp.fromOptions`, `testApp.fromFactory` or
 * `testApp.fromListener`.
 *
 * @example
 * ```ts
 * await using t = testApp.fromFactory(createUsersApp, { providers: [[Mailer, fakeMailer]] });
 * const res = await t.post('/users', { email: 'ada@example.com' });
 * expect(res.status).toBe(201);
 * expect(res).toHaveHandled('SendWelcomeEmail.send');
 * t.bus.resolver.get(AuditLog); // the app's bus
 * ```
 */
export class TestApp extends EventQueries implements AsyncDisposable {
  /** The app's bus. */
  readonly bus: EventBus;
  private requests = 0;

  constructor(
    private readonly events: TestBus,
    private readonly http: HttpTarget,
    /** The app, when the kit built it (`fromOptions`, `fromFactory`). */
    readonly app?: App,
    private readonly requestIdHeader = 'x-request-id',
  ) {
    super();
    this.bus = events.bus;
  }

  /**
   * Sends a request; resolves once the response has arrived and (unless
   * `drain: false`) the bus is idle again, follow-ups and retries included.
   */
  async request(req: TestRequest & { drain?: boolean }): Promise<TestResponse> {
    const port = await this.http.port();
    const headers = { ...req.headers };
    const given = Object.keys(headers).find((h) => h.toLowerCase() === this.requestIdHeader);
    if (given === undefined) headers[this.requestIdHeader] = `test-request-${++this.requests}`;
    const raw = await sendRequest(port, { ...req, headers });
    if (req.drain !== false) await this.drain();
    const echoed = raw.headers[this.requestIdHeader];
    const requestId =
      typeof echoed === 'string' ? echoed : (headers[given ?? this.requestIdHeader] ?? '');
    const own = this.events.recording.filtered((e) => e.correlationId === requestId);
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

  /** Waits until the bus is idle (moving a ManualClock of the bus's options as needed). */
  drain(): Promise<void> {
    return this.events.drain();
  }

  /** Records events of these classes (all, without arguments) without running their handlers. */
  fake(eventClasses?: readonly Class<object>[]): this {
    this.events.fake(eventClasses);
    return this;
  }

  /** Fakes every event except these classes. */
  fakeExcept(eventClasses: readonly Class<object>[]): this {
    this.events.fakeExcept(eventClasses);
    return this;
  }

  /** Stops faking. */
  unfake(): this {
    this.events.unfake();
    return this;
  }

  /** Stops the server and closes the bus: `await using t = testApp.fromOptions(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.http.close();
  }

  protected view(): RecordedView {
    return this.events[RECORDED]();
  }
}
