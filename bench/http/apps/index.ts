import type { AppFactory } from './common';
import { fastapiPython, fastapiUnavailable } from './fastapi';
import { start as koaFinish } from './koa-finish';
import { start as koaPlain } from './koa-plain';
import { startEmitting as nestEmitting, startPlain as nestPlain } from './nest';
import {
  startEmitting as oursEmitting,
  startEmittingDto as oursEmittingDto,
  startInline as oursInline,
  startPlain as oursPlain,
  unavailable,
} from './ours';

export interface HttpApp {
  id: string;
  label: string;
  /** What the route does besides answering. */
  does: string;
  /** A Node app, started in bench/http/server.ts. */
  start?: AppFactory;
  /** A Python app (FastAPI under uvicorn): the interpreter to run it with. */
  python?: () => string;
  unavailable?: () => string | undefined;
  /** Left out of a run unless named in --apps (slow, or not part of any target). */
  optional?: boolean;
}

/** In report order. The first one is the baseline for the ratios. */
export const apps: HttpApp[] = [
  {
    id: 'koa-plain',
    label: 'Koa 3 + @koa/router + koa-bodyparser',
    does: 'answers, no events (baseline)',
    start: koaPlain,
  },
  {
    id: 'koa-finish',
    label: 'Koa 3 + @koa/router + koa-bodyparser',
    does: "20 ms handler scheduled by hand on res.on('finish')",
    start: koaFinish,
  },
  {
    id: 'ours-plain',
    label: '**koa-event-bus** `createApp`',
    does: 'answers, no events (our HTTP layer alone)',
    start: oursPlain,
    unavailable,
  },
  {
    id: 'ours-emit',
    label: '**koa-event-bus** `createApp`',
    does: 'emits 1 event, 20 ms handler runs after the response',
    start: oursEmitting,
    unavailable,
  },
  {
    id: 'ours-emit-dto',
    label: '**koa-event-bus** `createApp`',
    does: 'the same, body validated into a class-validator DTO',
    start: oursEmittingDto,
    unavailable,
  },
  {
    id: 'ours-inline',
    label: '**koa-event-bus** `createApp`',
    does: 'awaits dispatch (20 ms handler) before answering',
    start: oursInline,
    unavailable,
    optional: true,
  },
  {
    id: 'nest-plain',
    label: 'NestJS 12 (Express)',
    does: 'answers, no events',
    start: nestPlain,
    optional: true,
  },
  {
    id: 'nest-emit',
    label: 'NestJS 12 (Express) + @nestjs/event-emitter',
    does: 'emits 1 event, async 20 ms listener',
    start: nestEmitting,
  },
  {
    id: 'fastapi',
    label: 'FastAPI + uvicorn (uvloop, httptools)',
    does: 'BackgroundTasks, async 20 ms task',
    python: fastapiPython,
    unavailable: fastapiUnavailable,
  },
];

export function appById(id: string): HttpApp {
  const a = apps.find((x) => x.id === id);
  if (!a) throw new Error(`unknown app ${id}`);
  return a;
}
