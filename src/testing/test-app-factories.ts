import type { RequestListener } from 'node:http';
import { type App, type AppOptions, type Class, createApp, silentLogger } from '../index';
import { assertWired } from './assert-wired';
import { EventRecording } from './event-recording';
import { appTarget, listenerTarget } from './http-target';
import { TestApp } from './test-app';
import { TestBus } from './test-bus';
import { TestingKitError } from './testing-kit-error';

/**
 * Options of `testApp.fromOptions` and the overrides of `testApp.fromFactory`:
 * every `createApp` option, plus `fake` (as on `createTestBus`).
 *
 * @example
 * ```ts
 * testApp.fromOptions({ controllers: [UsersController], handlers: [SendWelcomeEmail], clock: new ManualClock(), fake: [AuditRecorded] });
 * ```
 */
export interface TestAppOptions extends AppOptions {
  fake?: true | readonly Class<object>[];
}

/**
 * A function that builds your app from `createApp` options and passes them on
 * to `createApp`, such as `createUsersApp(options)`. `testApp.fromFactory`
 * checks that it did: an app whose bus was not built from those options is a
 * `TestingKitError` (KEB_TESTING_KIT), not a test that silently records nothing.
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
        'testApp.fromFactory(factory): your factory must pass the options it receives to createApp: (options) => createApp({ ...yours, ...options })': true;
      }
    : unknown;

/**
 * Options of `testApp.fromListener`.
 *
 * @example
 * ```ts
 * testApp.fromListener(koa, t, { requestIdHeader: 'x-correlation-id' });
 * ```
 */
export interface TestListenerOptions {
  /** The header your `eventScope` reads the request id from. Default `x-request-id`. */
  requestIdHeader?: string;
}

/**
 * Builds a {@link TestApp}, one way per kind of app. The first two record
 * with a silent logger (pass `logger` to see the bus's lines).
 *
 * @example
 * ```ts
 * await using t = testApp.fromOptions({ controllers: [UsersController], handlers: [SendWelcomeEmail] });
 * await using t1 = testApp.fromFactory(createUsersApp, { providers: [[Mailer, fakeMailer]] });
 * const events = createTestBus({ handlers: [SendWelcomeEmail] });
 * await using t2 = testApp.fromListener(new Koa().use(eventScope(events.bus)).use(routes), events);
 * ```
 */
export const testApp = {
  /**
   * An app that `createApp` builds from these options.
   *
   * @example
   * ```ts
   * await using t = testApp.fromOptions({ controllers: [UsersController], fake: true });
   * ```
   */
  fromOptions(options: TestAppOptions = {}): TestApp {
    return recordApp(createApp, options);
  },

  /**
   * Your app factory, called with recording options plus `overrides`. It must
   * pass them on to `createApp`: one declared without parameters does not
   * compile, one that ignores them throws a `TestingKitError`.
   *
   * @example
   * ```ts
   * await using t = testApp.fromFactory(createUsersApp, { providers: [[Mailer, fakeMailer]] }).fake();
   * ```
   */
  fromFactory<F extends AppFactory>(
    factory: F & FactoryTakesOptions<F>,
    overrides: TestAppOptions = {},
  ): TestApp {
    return recordApp(factory, overrides);
  },

  /**
   * Any Koa app (or request listener) whose `eventScope` uses the bus of
   * `events`, a `TestBus` of yours; disposing the TestApp disposes it too.
   *
   * @example
   * ```ts
   * const events = createTestBus({ handlers: [SendWelcomeEmail] });
   * const koa = new Koa().use(eventScope(events.bus)).use(router.routes());
   * await using t = testApp.fromListener(koa, events);
   * ```
   */
  fromListener(
    app: RequestListener | { callback(): RequestListener },
    events: TestBus,
    options: TestListenerOptions = {},
  ): TestApp {
    if (!(events instanceof TestBus)) {
      throw new TestingKitError(
        'testApp.fromListener(app, events): events is not a TestBus, so nothing its bus does is recorded.',
        'Create it with createTestBus({ handlers, providers }), pass its .bus to eventScope(...) and the TestBus itself to fromListener.',
      );
    }
    const own = (app as { bus?: unknown }).bus;
    if (own !== undefined && own !== events.bus) {
      throw new TestingKitError(
        'testApp.fromListener(app, events): app has a bus of its own, not events.bus, so the kit would record none of its events.',
        'For an app createApp builds, use testApp.fromFactory((options) => createApp({ ...yours, ...options })).',
      );
    }
    const listener = typeof app === 'function' ? app : app.callback();
    return new TestApp(
      events,
      listenerTarget(listener, events),
      undefined,
      options.requestIdHeader,
    );
  },
};

function recordApp(factory: AppFactory, options: TestAppOptions): TestApp {
  const { fake, ...appOptions } = options;
  const recording = new EventRecording(fake);
  const app = factory(recording.instrument({ logger: silentLogger, ...appOptions }));
  try {
    assertWired(app.bus, recording);
  } catch (error) {
    void app.close(0).catch(() => {}); // nothing listens yet: this only releases the bus
    throw error;
  }
  return new TestApp(new TestBus(app.bus, recording), appTarget(app), app, options.requestIdHeader);
}
