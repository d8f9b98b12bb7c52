import 'reflect-metadata';
import type { Server } from 'node:http';
import { loadOurs, oursUnavailable } from '../../lib/ours';
import {
  type AppFactory,
  DataReceived,
  HANDLER_MS,
  portOf,
  RESPONSE,
  ROUTE,
  sleep,
} from './common';
import { dataDto } from './dto';

/**
 * The same route in koa-event-bus (`createApp`, default options), in four variants:
 *   'plain':    answers without emitting (the cost of our HTTP layer alone);
 *   'emit':     the controller emits DataReceived and answers; the 20 ms handler runs after the
 *               response is finished (the point of the framework: the client does not wait for it);
 *   'emit-dto': the same with the body validated into a class-validator DTO (`@Body(DataDto)`);
 *   'inline':   the controller awaits bus.dispatch() before answering (what users avoid).
 * Classes are declared inside build() so that src/ is loaded only by the child that serves it.
 */
export const unavailable = (): string | undefined =>
  oursUnavailable('createApp', 'Controller', 'Post', 'Body', 'HttpCode', 'EventBus');

type Mode = 'plain' | 'emit' | 'emit-dto' | 'inline';

let handled = 0;

function build(mode: Mode) {
  const { Body, Controller, EventBus, EventHandler, HttpCode, OnEvent, Post, createApp } =
    loadOurs();

  @EventHandler()
  class DataReceivedHandler {
    @OnEvent(DataReceived)
    async handle(_event: DataReceived): Promise<void> {
      await sleep(HANDLER_MS);
      handled++;
    }
  }

  const DataDto = dataDto();

  @Controller()
  class DataController {
    constructor(private readonly bus: InstanceType<typeof EventBus>) {}

    @Post(ROUTE)
    @HttpCode(200)
    async process(@Body() body: unknown) {
      if (mode === 'emit') this.bus.emit(new DataReceived(body));
      else if (mode === 'inline') await this.bus.dispatch(new DataReceived(body));
      return RESPONSE;
    }
  }

  @Controller()
  class DtoController {
    constructor(private readonly bus: InstanceType<typeof EventBus>) {}

    @Post(ROUTE)
    @HttpCode(200)
    async process(@Body(DataDto) body: object) {
      this.bus.emit(new DataReceived(body));
      return RESPONSE;
    }
  }
  // The constructor parameter's type is a value read at run time here, so tsc cannot emit its
  // metadata; say it the way tsc would for `constructor(bus: EventBus)`.
  Reflect.defineMetadata('design:paramtypes', [EventBus], DataController);
  Reflect.defineMetadata('design:paramtypes', [EventBus], DtoController);

  // BENCH_OURS_CONCURRENCY: for experiments only (the report uses the defaults).
  const concurrency = Number(process.env.BENCH_OURS_CONCURRENCY) || undefined;
  return createApp({
    controllers: [mode === 'emit-dto' ? DtoController : DataController],
    handlers: [DataReceivedHandler],
    ...(concurrency ? { concurrency } : {}),
  });
}

async function startOurs(mode: Mode) {
  const why = unavailable();
  if (why) throw new Error(why);
  const app = build(mode);
  const server: Server = await app.listen(0, '127.0.0.1');
  return {
    port: portOf(server),
    close: async () => {
      await app.close();
    },
    stats: () => ({ handled, ...app.bus.pending() }),
  };
}

export const startPlain: AppFactory = () => startOurs('plain');
export const startEmitting: AppFactory = () => startOurs('emit');
export const startEmittingDto: AppFactory = () => startOurs('emit-dto');
export const startInline: AppFactory = () => startOurs('inline');
