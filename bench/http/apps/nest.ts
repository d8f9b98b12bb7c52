import 'reflect-metadata';
import type { Server } from 'node:http';
import { Body, Controller, HttpCode, Injectable, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import {
  type AppFactory,
  DataReceived,
  HANDLER_MS,
  portOf,
  RESPONSE,
  type Running,
  sleep,
} from './common';

@Injectable()
export class DataReceivedListener {
  handled = 0;

  @OnEvent('data.received')
  async onDataReceived(_event: DataReceived): Promise<void> {
    await sleep(HANDLER_MS);
    this.handled++;
  }
}

/** NestJS (Express platform) + @nestjs/event-emitter: emit, answer, the listener runs after. */
@Controller()
export class EmittingController {
  constructor(private readonly events: EventEmitter2) {}

  @Post('process-data')
  @HttpCode(200)
  process(@Body() body: unknown) {
    this.events.emit('data.received', new DataReceived(body));
    return RESPONSE;
  }
}

/** NestJS (Express platform) answering the same route without any event: Nest's own cost. */
@Controller()
export class PlainController {
  @Post('process-data')
  @HttpCode(200)
  process(@Body() _body: unknown) {
    return RESPONSE;
  }
}

@Module({
  imports: [EventEmitterModule.forRoot()],
  controllers: [EmittingController],
  providers: [DataReceivedListener],
})
class EmittingModule {}

@Module({ controllers: [PlainController] })
class PlainModule {}

async function startNest(module: object): Promise<Running> {
  const app = await NestFactory.create(module, { logger: false });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const listener = module === EmittingModule ? app.get(DataReceivedListener) : undefined;
  return {
    port: portOf(server),
    close: () => app.close(),
    stats: (): Record<string, number> => (listener ? { handled: listener.handled } : {}),
  };
}

export const startEmitting: AppFactory = () => startNest(EmittingModule);
export const startPlain: AppFactory = () => startNest(PlainModule);
