import type { AppFactory } from './common';
import { start as koaPlain } from './koa-plain';
import { startEmitting as nestEmitting, startPlain as nestPlain } from './nest';
import {
  startEmitting as oursEmitting,
  startInline as oursInline,
  startPlain as oursPlain,
  unavailable,
} from './ours';

export interface HttpApp {
  id: string;
  label: string;
  /** What the route does besides answering. */
  does: string;
  start: AppFactory;
  unavailable?: () => string | undefined;
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
    id: 'ours-plain',
    label: '**koa-event-bus**',
    does: 'answers, no events (our HTTP layer alone)',
    start: oursPlain,
    unavailable,
  },
  {
    id: 'ours-emit',
    label: '**koa-event-bus**',
    does: 'emits 1 event, 20 ms handler runs after the response',
    start: oursEmitting,
    unavailable,
  },
  {
    id: 'ours-inline',
    label: '**koa-event-bus**',
    does: 'awaits dispatch (20 ms handler) before answering',
    start: oursInline,
    unavailable,
  },
  {
    id: 'nest-plain',
    label: 'NestJS 12 (Express)',
    does: 'answers, no events',
    start: nestPlain,
  },
  {
    id: 'nest-emit',
    label: 'NestJS 12 (Express) + @nestjs/event-emitter',
    does: 'emits 1 event, async 20 ms listener',
    start: nestEmitting,
  },
];

export function appById(id: string): HttpApp {
  const a = apps.find((x) => x.id === id);
  if (!a) throw new Error(`unknown app ${id}`);
  return a;
}
