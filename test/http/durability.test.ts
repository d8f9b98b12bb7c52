import { IsString } from 'class-validator';
import {
  Body,
  Controller,
  createApp,
  type DiscardInfo,
  EventBus,
  type EventEnvelope,
  HttpCode,
  HttpError,
  Post,
  silentLogger,
  type Transport,
  type TransportHost,
} from 'koa-event-bus';
import request from 'supertest';

// Durability 'before-response': a 2xx means the broker stored the events.
// A transport stands in for the broker: it records publishes and confirms (or
// refuses) when the test says so.

class OrderPlaced {
  constructor(readonly orderId: string) {}
}

class PlaceOrder {
  @IsString()
  orderId!: string;
}

@Controller('/orders')
class Orders {
  constructor(private readonly bus: EventBus) {}

  @Post('/')
  @HttpCode(201)
  place(@Body() body: PlaceOrder) {
    if (body.orderId === 'bad') throw new HttpError(422, 'rejected');
    this.bus.emit(new OrderPlaced(body.orderId));
    return { ok: true };
  }
}

class Broker implements Transport {
  readonly log: string[] = [];
  private confirms: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private waiting: (() => void) | undefined;
  connect(_: TransportHost) {}
  publish(envelopes: readonly EventEnvelope[]): Promise<void> {
    this.log.push(`published ${envelopes.map((e) => (e.event as OrderPlaced).orderId).join(',')}`);
    this.waiting?.();
    return new Promise((resolve, reject) => this.confirms.push({ resolve, reject }));
  }
  /** Resolves once something is published (at once if it already was). */
  published(): Promise<void> {
    return this.confirms.length > 0 ? Promise.resolve() : new Promise((r) => (this.waiting = r));
  }
  confirm(): void {
    this.log.push('confirmed');
    this.confirms.shift()?.resolve();
  }
  refuse(): void {
    this.confirms.shift()?.reject(new Error('channel closed by broker'));
  }
  async close() {}
}

function app(durability: 'before-response' | 'after-response') {
  const broker = new Broker();
  const discards: DiscardInfo[] = [];
  const a = createApp({
    controllers: [Orders],
    transport: broker,
    durability,
    logger: silentLogger,
    hooks: { onDiscard: (d) => discards.push(d) },
  });
  // Outermost: notes when the server has written the whole response.
  a.koa.middleware.unshift(async (ctx, next) => {
    ctx.res.once('finish', () => broker.log.push(`response ${ctx.status} finished`));
    await next();
  });
  return { broker, discards, http: request(a.callback()), a };
}

describe("durability 'before-response'", () => {
  it('the response waits for the broker to confirm the events', async () => {
    const { broker, http } = app('before-response');
    const response = http.post('/orders').send({ orderId: 'o-1' });
    let answered = false;
    const done = response.then((r) => {
      answered = true;
      return r;
    });
    await broker.published();
    expect(answered).toBe(false);
    broker.confirm();
    expect((await done).status).toBe(201);
    expect(broker.log).toEqual(['published o-1', 'confirmed', 'response 201 finished']);
  });

  it('events the broker refuses turn the 2xx into 503 KEB_PUBLISH_FAILED, reported by event id', async () => {
    const { broker, http, discards } = app('before-response');
    const done = http
      .post('/orders')
      .send({ orderId: 'o-2' })
      .then((r) => r); // supertest sends on then()
    await broker.published();
    broker.refuse();
    const r = await done;
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.body.error.code).toBe('KEB_PUBLISH_FAILED');
    expect(discards.map((d) => [d.reason.kind, d.envelopes.length])).toEqual([
      ['publish-failed', 1],
    ]);
  });

  it('a failed request publishes nothing', async () => {
    const { broker, http, discards } = app('before-response');
    const r = await http.post('/orders').send({ orderId: 'bad' });
    expect(r.status).toBe(422);
    expect(broker.log).toEqual(['response 422 finished']);
    expect(discards).toEqual([]); // nothing was emitted
  });

  it('is refused with the in-memory transport, which would run handlers before the response', () => {
    expect(() => createApp({ durability: 'before-response', logger: silentLogger })).toThrow(
      expect.objectContaining({ code: 'KEB_INVALID_OPTIONS' }),
    );
  });
});

describe("durability 'after-response' (the default)", () => {
  it('publishes once the response has finished', async () => {
    const { broker, http, a } = app('after-response');
    const r = await http.post('/orders').send({ orderId: 'o-3' });
    expect(r.status).toBe(201);
    await broker.published();
    expect(broker.log).toEqual(['response 201 finished', 'published o-3']);
    broker.confirm();
    await a.bus.drain();
  });
});
