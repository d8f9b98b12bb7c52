import {
  createEventBus,
  Event,
  type EventBus,
  type EventBusOptions,
  type EventContext,
  type EventEnvelope,
  EventHandler,
  OnEvent,
  silentLogger,
  type Transport,
  type TransportHost,
} from 'koa-event-bus';
import { ManualClock } from 'koa-event-bus/testing';
import { gate } from '../fixtures/gate';
import { nextTurn } from '../fixtures/next-turn';

// The conformance suite every transport runs (STYLE.md item 13): what a bus
// promises its users must hold whichever transport carries the events. It uses
// only the public Transport interface and a real bus, so a broker transport
// (RabbitMQ...) calls it the same way:
//
//   runTransportContract('rabbitmq', () => new RabbitMqTransport(url));
//
// Every wait is on the bus (drain, dispatch, close), never on a timer, so an
// asynchronous transport passes as well as the in-memory one.

@Event('contract.step')
class Step {
  constructor(readonly n: number) {}
}

@Event('contract.charge-requested')
class ChargeRequested {
  constructor(readonly orderId: string) {}
}

/** What the bus handed the transport: one entry per publish() call. */
interface Published {
  batches: string[][];
}

/** Delegates every call to `inner` and records the batches the bus published. */
function watched(inner: Transport): { transport: Transport; published: Published } {
  const published: Published = { batches: [] };
  const transport: Transport = {
    connect: (host: TransportHost) => inner.connect(host),
    publish: (envelopes: readonly EventEnvelope[]) => {
      published.batches.push(envelopes.map((e) => `${e.name}:${(e.event as Step).n}`));
      return inner.publish(envelopes);
    },
    close: () => inner.close(),
    ...(inner.stopReceiving ? { stopReceiving: () => inner.stopReceiving!() } : {}),
  };
  return { transport, published };
}

/**
 * Runs the transport contract against `makeTransport()`, called once per test
 * (each test gets a fresh transport and bus, closed after it).
 */
export function runTransportContract(
  name: string,
  makeTransport: () => Transport,
  options: {
    /**
     * The transport waits between attempts in real time (a broker's TTL wait
     * queues), so the retry tests cannot run on a ManualClock: they wait on the
     * handler and check the gaps are at least the backoff instead.
     */
    realTimeRetries?: boolean;
  } = {},
): void {
  const realTime = options.realTimeRetries === true;
  describe(`transport contract: ${name}`, () => {
    let buses: EventBus[] = [];

    /** A bus on a fresh transport from `makeTransport`, closed after the test. */
    function busWith(options: EventBusOptions): EventBus {
      const bus = createEventBus({ logger: silentLogger, transport: makeTransport(), ...options });
      buses.push(bus);
      return bus;
    }

    afterEach(async () => {
      await Promise.all(buses.map((b) => b.close()));
      buses = [];
    });

    test('a scope that commits 3 events publishes them as one batch; handlers see them in emission order', async () => {
      const seen: number[] = [];
      @EventHandler()
      class Steps {
        @OnEvent(Step)
        on(e: Step): void {
          seen.push(e.n);
        }
      }
      const { transport, published } = watched(makeTransport());
      const bus = createEventBus({ handlers: [Steps], transport, logger: silentLogger });
      buses.push(bus);

      await bus.scope(() => {
        bus.emit(new Step(1));
        bus.emit(new Step(2));
        bus.emit(new Step(3));
      });
      await bus.drain();

      expect(published.batches).toEqual([
        ['contract.step:1', 'contract.step:2', 'contract.step:3'],
      ]);
      expect(seen).toEqual([1, 2, 3]);
    });

    test('an event fans out to every handler subscribed to it', async () => {
      const seen: string[] = [];
      @EventHandler()
      class Mailer {
        @OnEvent(Step)
        on(e: Step): void {
          seen.push(`mailer ${e.n}`);
        }
      }
      @EventHandler()
      class Audit {
        @OnEvent(Step)
        first(e: Step): void {
          seen.push(`audit.first ${e.n}`);
        }
        @OnEvent(Step)
        second(e: Step): void {
          seen.push(`audit.second ${e.n}`);
        }
      }
      const bus = busWith({ handlers: [Mailer, Audit] });

      bus.emit(new Step(7));
      await bus.drain();

      expect(seen.sort()).toEqual(['audit.first 7', 'audit.second 7', 'mailer 7']);
    });

    test('each handler runs once per event', async () => {
      const runs = new Map<string, number>();
      const count = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1);
      @EventHandler()
      class Counted {
        @OnEvent(Step)
        a(e: Step, ctx: EventContext): void {
          count(`a ${e.n} ${ctx.envelope.id}`);
        }
        @OnEvent(Step)
        b(e: Step, ctx: EventContext): void {
          count(`b ${e.n} ${ctx.envelope.id}`);
        }
      }
      const bus = busWith({ handlers: [Counted] });

      await bus.scope(() => {
        for (let n = 1; n <= 5; n++) bus.emit(new Step(n));
      });
      bus.emit(new Step(6));
      await bus.drain();

      expect(runs.size).toBe(12);
      expect([...runs.values()]).toEqual(Array(12).fill(1));
      expect([...runs.keys()].map((k) => k.split(' ').slice(0, 2).join(' ')).sort()).toEqual(
        [1, 2, 3, 4, 5, 6].flatMap((n) => [`a ${n}`, `b ${n}`]).sort(),
      );
    });

    test('a failing handler is retried with backoff, then succeeds', async () => {
      const clock = realTime ? undefined : new ManualClock();
      const now = () => (clock ? clock.now() : Date.now());
      const third = gate();
      const attempts: { attempt: number; at: number }[] = [];
      @EventHandler()
      class Charger {
        @OnEvent(ChargeRequested, {
          retry: { attempts: 3, backoffMs: 100, strategy: 'exponential' },
        })
        charge(_e: ChargeRequested, ctx: EventContext): void {
          attempts.push({ attempt: ctx.attempt, at: now() });
          if (ctx.attempt < 3) throw new Error(`gateway busy (${ctx.attempt})`);
          third.open();
        }
      }
      const bus = busWith({ handlers: [Charger], ...(clock ? { clock } : {}) });

      bus.emit(new ChargeRequested('o-1'));
      if (clock) await clock.runUntil(bus.drain());
      else await third.opened;
      await bus.drain();

      const t0 = attempts[0]!.at;
      const seen = attempts.map((a) => ({ attempt: a.attempt, after: a.at - t0 }));
      if (clock)
        expect(seen).toEqual([
          { attempt: 1, after: 0 },
          { attempt: 2, after: 100 },
          { attempt: 3, after: 300 },
        ]);
      else {
        expect(seen.map((a) => a.attempt)).toEqual([1, 2, 3]);
        // Real waits are at least the backoff (timers may fire a millisecond early).
        expect(seen[1]!.after).toBeGreaterThanOrEqual(99);
        expect(seen[2]!.after - seen[1]!.after).toBeGreaterThanOrEqual(199);
      }
      expect(bus.deadLetters).toEqual([]);
    });

    test('after the last attempt the invocation is dead-lettered', async () => {
      const clock = realTime ? undefined : new ManualClock();
      const dead = gate();
      @EventHandler()
      class Declines {
        @OnEvent(ChargeRequested, { id: 'charge', retry: { attempts: 2, backoffMs: 50 } })
        charge(): void {
          throw new Error('card declined');
        }
      }
      const bus = busWith({
        handlers: [Declines],
        ...(clock ? { clock } : {}),
        hooks: { onDeadLetter: () => dead.open() },
      });

      bus.emit(new ChargeRequested('o-2'));
      if (clock) await clock.runUntil(bus.drain());
      else await dead.opened;
      await bus.drain();

      expect(bus.deadLetters).toHaveLength(1);
      expect(bus.deadLetters[0]).toMatchObject({
        handlerId: 'charge',
        attempts: 2,
        reason: 'failed',
        error: { message: 'card declined' },
      });
      expect(bus.deadLetters[0]!.envelope.event).toEqual(new ChargeRequested('o-2'));
      if (clock) expect(clock.now()).toBe(50);
    });

    test('close() waits for running handlers to finish and reports drained', async () => {
      const started = gate();
      const release = gate();
      const log: string[] = [];
      @EventHandler()
      class Slow {
        @OnEvent(Step)
        async on(e: Step): Promise<void> {
          log.push(`start ${e.n}`);
          started.open();
          await release.opened;
          log.push(`end ${e.n}`);
        }
      }
      const bus = busWith({ handlers: [Slow] });

      bus.emit(new Step(1));
      // Fails fast (instead of timing out) when the event never reaches the handler.
      const first = await Promise.race([
        started.opened.then(() => 'started'),
        bus.drain().then(() => 'idle'),
      ]);
      expect(first).toBe('started');
      let closed = false;
      const closing = bus.close().then((report) => {
        closed = true;
        return report;
      });
      await nextTurn();
      expect(closed).toBe(false);

      log.push('release');
      release.open();
      const report = await closing;

      expect(log).toEqual(['start 1', 'release', 'end 1']);
      expect(report).toMatchObject({ drained: true, lost: [], discarded: [] });
    });
  });
}
