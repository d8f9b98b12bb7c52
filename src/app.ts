import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import type { EventBusOptions } from './bus/bus-options';
import type { CloseReport } from './bus/close-report';
import { EventBus } from './bus/event-bus';
import type { Provider } from './container/provider';
import type { BodyParserOptions } from './http/body-parser';
import { ClosableServer } from './http/closable-server';
import { httpErrors } from './http/error-middleware';
import { type EventScopeOptions, eventScope } from './http/event-scope.middleware';
import { mountControllers } from './http/mount-controllers';
import type { Class } from './kernel/class';

/**
 * Options of `createApp`: the bus options plus the HTTP ones.
 *
 * @example
 * ```ts
 * createApp({
 *   controllers: [UsersController],
 *   handlers: [SendWelcomeEmail],
 *   providers: [[UserStore, new InMemoryUserStore()]],
 *   bodyParser: { jsonLimit: '1mb' },
 *   handleSignals: true,
 * });
 * ```
 */
export interface AppOptions<P extends readonly Provider[] = readonly Provider[]>
  extends EventBusOptions<P>,
    Pick<EventScopeOptions, 'commitWhen' | 'requestIdHeader' | 'generateRequestId' | 'durability'> {
  /** `@Controller()` classes, built by the same resolver as the handlers. */
  controllers?: readonly Class[];
  /** Body parsing of routes with `@Body` (JSON only, 100kb, by default). */
  bodyParser?: BodyParserOptions;
  /** Wire SIGTERM and SIGINT to `close()` (once). Default false. */
  handleSignals?: boolean;
  /** Default timeout of `close()` in ms. Default 10 000. */
  shutdownTimeoutMs?: number;
}

/**
 * What `app.close()` reports: the bus's `CloseReport` plus whether open connections had to be cut.
 *
 * @example
 * ```ts
 * const report = await app.close(5_000);
 * if (!report.drained) console.warn('left behind', report.pending, report.discarded);
 * ```
 */
export interface AppCloseReport extends CloseReport {
  /** True when open requests did not finish in time and their connections were destroyed. */
  connectionsForced: boolean;
}

/**
 * An application: Koa + router + bus, wired. `koa`, `router` and `bus` are
 * there for users who extend it (more middleware, more routes).
 *
 * @example
 * ```ts
 * const app = createApp({ controllers: [UsersController], handlers: [SendWelcomeEmail] });
 * app.koa.use(myMiddleware);        // extend it
 * await app.listen(3000);
 * await app.close();
 * ```
 */
export interface App {
  readonly koa: Koa;
  readonly router: Router;
  readonly bus: EventBus;
  /** The HTTP server once `listen()` resolved. */
  readonly server: Server | undefined;
  /** A Node request listener, for supertest or your own server. */
  callback(): RequestListener;
  /** Listens (port 0 = ephemeral) and resolves with the server once it accepts connections. */
  listen(port?: number, host?: string): Promise<Server>;
  /** The port the server listens on (after `listen`). */
  port(): number;
  /** Stops accepting connections, lets open requests finish, drains the bus, and reports what was left. */
  close(timeoutMs?: number): Promise<AppCloseReport>;
}

/**
 * Wires an app: `eventScope(bus)` → `httpErrors()` → router with your
 * controllers; handlers on the bus; one resolver for both (so `EventBus` and
 * your providers are injectable everywhere).
 *
 * @example
 * ```ts
 * import 'reflect-metadata';
 * import { createApp } from 'koa-event-bus';
 *
 * const app = createApp({ controllers: [UsersController], handlers: [SendWelcomeEmail] });
 * await app.listen(3000);
 * // ... later
 * await app.close(); // stop accepting, finish open requests, drain the bus
 * ```
 */
export function createApp<const P extends readonly Provider[] = []>(
  options: AppOptions<P> = {},
): App {
  // `P` only checks each provider against its token at compile time.
  const bus = new EventBus(options as AppOptions);
  const koa = new Koa();
  const router = new Router();
  koa.use(
    eventScope(bus, {
      ...(options.commitWhen ? { commitWhen: options.commitWhen } : {}),
      ...(options.requestIdHeader ? { requestIdHeader: options.requestIdHeader } : {}),
      ...(options.generateRequestId ? { generateRequestId: options.generateRequestId } : {}),
      ...(options.durability ? { durability: options.durability } : {}),
    }),
  );
  koa.use(httpErrors({ logger: bus.logger }));
  mountControllers(router, options.controllers ?? [], {
    resolver: bus.resolver,
    ...(options.bodyParser ? { bodyParser: options.bodyParser } : {}),
  });
  koa.use(router.routes()).use(router.allowedMethods());

  let closable: ClosableServer | undefined;
  let closing: Promise<AppCloseReport> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    bus.logger.info({ signal }, `${signal} received, closing`);
    void app.close().then((report) => {
      bus.logger.info(
        {
          drained: report.drained,
          lost: report.lost.length,
          connectionsForced: report.connectionsForced,
        },
        'closed',
      );
      // Work was left behind (each event is in the warning logged by close()): say so to the supervisor.
      if (!report.drained) process.exitCode = 1;
    });
  };

  const app: App = {
    koa,
    router,
    bus,
    get server() {
      return closable?.server;
    },
    callback: () => koa.callback(),
    listen: (port = 0, host?: string) =>
      new Promise((resolve, reject) => {
        const c = new ClosableServer(koa.callback());
        const s = c.server;
        s.once('error', reject);
        const ready = () => {
          s.off('error', reject);
          closable = c;
          resolve(s);
        };
        if (host === undefined) s.listen(port, ready);
        else s.listen(port, host, ready);
      }),
    port: () => (closable?.server.address() as AddressInfo | null)?.port ?? 0,
    close: (timeoutMs = options.shutdownTimeoutMs ?? 10_000) => {
      closing ??= (async () => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        const started = Date.now();
        const { forced } = closable ? await closable.close(timeoutMs) : { forced: false };
        const report = await bus.close(Math.max(1, timeoutMs - (Date.now() - started)));
        return { ...report, connectionsForced: forced };
      })();
      return closing;
    },
  };
  if (options.handleSignals) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return app;
}
