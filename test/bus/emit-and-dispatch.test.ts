import {
  createEventBus,
  type DispatchFailedError,
  Event,
  type EventContext,
  type EventEnvelope,
  EventHandler,
  InvalidEventError,
  OnEvent,
  silentLogger,
} from 'koa-event-bus';

@Event('user.registered', { version: 2 })
class UserRegistered {
  constructor(
    readonly userId: string,
    readonly email: string,
  ) {}
}
class OrderPlaced {
  constructor(readonly orderId: string) {}
}

const calls: string[] = [];
const seen: EventEnvelope[] = [];

@EventHandler()
class Welcome {
  @OnEvent(UserRegistered)
  send(e: UserRegistered, ctx: EventContext) {
    calls.push(`welcome:${e.email}`);
    seen.push(ctx.envelope);
    return `sent to ${e.email}`;
  }
}

@EventHandler()
class Failing {
  @OnEvent(UserRegistered)
  explode(): void {
    throw new Error('smtp down');
  }
  @OnEvent(OrderPlaced, { when: (e) => e.orderId.startsWith('vip') })
  vip(e: OrderPlaced) {
    calls.push(`vip:${e.orderId}`);
  }
}

beforeEach(() => {
  calls.length = 0;
  seen.length = 0;
});

describe('emit', () => {
  test('outside a scope: dispatched in the background, never in the caller stack', async () => {
    const bus = createEventBus({ handlers: [Welcome], logger: silentLogger });
    bus.emit(new UserRegistered('u1', 'ada@example.com'));
    calls.push('after emit');
    expect(calls).toEqual(['after emit']);
    await bus.drain();
    expect(calls).toEqual(['after emit', 'welcome:ada@example.com']);
  });

  test('the envelope carries id, wire name, version, time, correlation and lineage', async () => {
    const bus = createEventBus({ handlers: [Welcome], logger: silentLogger });
    const before = Date.now();
    const envelope = bus.emit(new UserRegistered('u1', 'ada@example.com'));
    await bus.drain();
    expect(seen).toHaveLength(1);
    const e = seen[0]!;
    expect(e).toBe(envelope);
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.name).toBe('user.registered');
    expect(e.version).toBe(2);
    expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(e.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.correlationId).toBe(e.id); // a root event outside any scope is its own correlation
    expect(e.causationId).toBeNull();
    expect(e.attempt).toBe(1);
    expect(e.depth).toBe(0);
    expect(e.event).toBeInstanceOf(UserRegistered);
  });

  test('an event without @Event is named after its class', async () => {
    const names: string[] = [];
    const bus = createEventBus({ logger: silentLogger });
    bus.on(OrderPlaced, (_e, ctx) => {
      names.push(ctx.envelope.name);
    });
    bus.emit(new OrderPlaced('o1'));
    await bus.drain();
    expect(names).toEqual(['OrderPlaced']);
  });

  test.each([
    ['a plain object', { userId: 'u1' }],
    ['an array', [new OrderPlaced('o1')]],
    ['a string', 'user.registered'],
    ['null', null],
  ])('rejects %s with KEB_INVALID_EVENT', (_label, value) => {
    const bus = createEventBus({ logger: silentLogger });
    expect(() => bus.emit(value as object)).toThrow(InvalidEventError);
    try {
      bus.emit(value as object);
    } catch (err) {
      expect((err as InvalidEventError).code).toBe('KEB_INVALID_EVENT');
    }
  });
});

describe('dispatch', () => {
  test('runs every handler now and resolves with one outcome each', async () => {
    const bus = createEventBus({ handlers: [Welcome, Failing], logger: silentLogger });
    const report = await bus.dispatch(new UserRegistered('u2', 'bob@example.com'));
    expect(calls).toEqual(['welcome:bob@example.com']);
    expect(report.ok).toBe(false);
    expect(report.envelope.name).toBe('user.registered');
    expect(report.outcomes.map((o) => [o.handlerId, o.status, o.attempts])).toEqual([
      ['Welcome.send', 'succeeded', 1],
      ['Failing.explode', 'failed', 1],
    ]);
    expect(report.outcome('Welcome.send')?.result).toBe('sent to bob@example.com');
    expect(report.outcome('Failing.explode')?.error?.message).toBe('smtp down');
  });

  test('throwIfFailed raises an AggregateError with every failure and a stable code', async () => {
    const bus = createEventBus({ handlers: [Welcome, Failing], logger: silentLogger });
    const report = await bus.dispatch(new UserRegistered('u2', 'bob@example.com'));
    let caught: unknown;
    try {
      report.throwIfFailed();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    const err = caught as DispatchFailedError;
    expect(err.code).toBe('KEB_DISPATCH_FAILED');
    expect(err.failedHandlerIds).toEqual(['Failing.explode']);
    expect(err.errors.map((e) => (e as Error).message)).toEqual(['smtp down']);
    expect(err.message).toContain('Failing.explode');
  });

  test('a successful report passes throwIfFailed and returns itself', async () => {
    const bus = createEventBus({ handlers: [Welcome], logger: silentLogger });
    const report = await bus.dispatch(new UserRegistered('u3', 'c@example.com'));
    expect(report.throwIfFailed()).toBe(report);
  });

  test('`when` filters invocations and marks them skipped', async () => {
    const bus = createEventBus({ handlers: [Failing], logger: silentLogger });
    const plain = await bus.dispatch(new OrderPlaced('o1'));
    const vip = await bus.dispatch(new OrderPlaced('vip-2'));
    expect(plain.outcomes.map((o) => o.status)).toEqual(['skipped']);
    expect(plain.ok).toBe(true);
    expect(vip.outcomes.map((o) => o.status)).toEqual(['succeeded']);
    expect(calls).toEqual(['vip:vip-2']);
  });

  test('an event without handlers dispatches to nobody', async () => {
    const bus = createEventBus({ handlers: [Welcome], logger: silentLogger });
    const report = await bus.dispatch(new OrderPlaced('o1'));
    expect(report.outcomes).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe('on / waitFor / describe', () => {
  test('on() subscribes at runtime and the returned function unsubscribes', async () => {
    const bus = createEventBus({ logger: silentLogger });
    const got: string[] = [];
    const off = bus.on(OrderPlaced, (e) => {
      got.push(e.orderId);
    });
    await bus.dispatch(new OrderPlaced('a'));
    off();
    off();
    await bus.dispatch(new OrderPlaced('b'));
    expect(got).toEqual(['a']);
  });

  test('waitFor resolves with the first matching dispatched event', async () => {
    const bus = createEventBus({ logger: silentLogger });
    const waiting = bus.waitFor(OrderPlaced, { where: (e) => e.orderId === 'second' });
    bus.emit(new OrderPlaced('first'));
    bus.emit(new OrderPlaced('second'));
    await expect(waiting).resolves.toEqual(new OrderPlaced('second'));
  });

  test('waitFor rejects with KEB_WAIT_FOR_TIMEOUT when nothing matches', async () => {
    const bus = createEventBus({ logger: silentLogger });
    await expect(bus.waitFor(OrderPlaced, { timeoutMs: 5 })).rejects.toMatchObject({
      code: 'KEB_WAIT_FOR_TIMEOUT',
      name: 'WaitForTimeoutError',
    });
  });

  test('describe lists events and their handlers', () => {
    const bus = createEventBus({ handlers: [Welcome, Failing], logger: silentLogger });
    expect(bus.describe()).toEqual([
      {
        event: 'user.registered',
        version: 2,
        handlers: [
          expect.objectContaining({ id: 'Welcome.send', order: 0, attempts: 1 }),
          expect.objectContaining({ id: 'Failing.explode' }),
        ],
      },
      {
        event: 'OrderPlaced',
        version: 1,
        handlers: [expect.objectContaining({ id: 'Failing.vip' })],
      },
    ]);
  });
});
