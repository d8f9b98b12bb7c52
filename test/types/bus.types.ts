// Type tests of the bus verbs, compiled by `npm run typecheck` (part of npm test).
import { createEventBus, type EventEnvelope } from 'koa-event-bus';

class Shipped {
  constructor(readonly orderId: string) {}
}

const bus = createEventBus();

// emit() always returns the envelope (also for an event the bus dropped and reported).
const envelope: EventEnvelope<Shipped> = bus.emit(new Shipped('o-1'));
const orderId: string = envelope.event.orderId;

// @ts-expect-error the envelope carries the event's own type
const wrong: EventEnvelope<{ other: number }> = bus.emit(new Shipped('o-2'));

void orderId;
void wrong;
