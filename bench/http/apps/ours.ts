import 'reflect-metadata';
import { loadOurs, oursUnavailable } from '../../lib/ours';
import { type AppFactory, DataReceived, HANDLER_MS, RESPONSE, ROUTE, sleep } from './common';

/**
 * ─── SLOT: koa-event-bus ───────────────────────────────────────────────────────────────────────
 * The same route in our framework, in two variants:
 *   'emit':   the controller emits DataReceived and answers; the 20 ms handler runs after the
 *             response (the point of the framework: the client must not wait for it);
 *   'inline': the controller awaits bus.dispatch() before answering (what users avoid).
 * Classes are declared inside build() so that nothing touches our API before it is wired.
 */
export const unavailable = (): string | undefined =>
  oursUnavailable('createApp', 'Controller', 'Post', 'Body', 'HttpCode');

function build(mode: 'emit' | 'inline') {
  // biome-ignore lint/suspicious/noExplicitAny: not exported yet, typed once it is
  const api = loadOurs() as unknown as Record<string, any>;
  const { Body, Controller, EventBus, EventHandler, HttpCode, OnEvent, Post, createApp } = api;

  @EventHandler()
  class DataReceivedHandler {
    @OnEvent(DataReceived)
    async handle(_event: DataReceived): Promise<void> {
      await sleep(HANDLER_MS);
    }
  }

  @Controller('')
  @Reflect.metadata('design:paramtypes', [EventBus])
  class DataController {
    constructor(private readonly bus: typeof EventBus) {}

    @Post(ROUTE)
    @HttpCode(200)
    async process(@Body() body: unknown) {
      if (mode === 'emit') this.bus.emit(new DataReceived(body));
      else await this.bus.dispatch(new DataReceived(body));
      return RESPONSE;
    }
  }

  return createApp({ controllers: [DataController], handlers: [DataReceivedHandler] });
}

async function startOurs(mode: 'emit' | 'inline') {
  const why = unavailable();
  if (why) throw new Error(why);
  const app = build(mode);
  const server = await app.listen(0, '127.0.0.1');
  const port = (server?.address?.() ?? app.server?.address?.())?.port;
  return { port, close: () => app.close() };
}

export const startEmitting: AppFactory = () => startOurs('emit');
export const startInline: AppFactory = () => startOurs('inline');
