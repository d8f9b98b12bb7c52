import {
  consoleLogger,
  createApp,
  createEventBus,
  type DeadLetter,
  type EventBus,
  EventHandler,
  type HandlerErrorInfo,
  OnEvent,
  silentLogger,
} from 'koa-event-bus';
import { nextTurn } from '../fixtures/next-turn';
import { recordingLogger } from '../fixtures/recording-logger';
import {
  hostileValues,
  poisonedError,
  processFaults,
  revokedProxy,
  throwingGetters,
  throwingLogger,
} from './hostile';

class Poke {
  constructor(readonly n: number) {}
}
class Normal {
  constructor(readonly n: number) {}
}

// What the hostile handler does; set per test.
let behave: () => unknown = () => undefined;

@EventHandler()
class Hostile {
  @OnEvent(Poke)
  poke(): unknown {
    return behave();
  }
}

@EventHandler()
class Healthy {
  seen: number[] = [];
  @OnEvent(Normal)
  normal(e: Normal): void {
    this.seen.push(e.n);
  }
}

const faults = processFaults();
beforeAll(() => faults.install());
afterAll(() => faults.uninstall());

// The logger fallback writes one stderr line per value the logger could not
// print; that is the behaviour under test, not noise for the test run.
const realStderrWrite = process.stderr.write.bind(process.stderr);
let quiet: jest.SpyInstance | undefined;
beforeEach(() => {
  quiet = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation(((chunk: unknown, ...rest: never[]) =>
      String(chunk).startsWith('[koa-event-bus]')
        ? true
        : realStderrWrite(chunk as string, ...rest)) as typeof process.stderr.write);
});
afterEach(() => quiet?.mockRestore());
beforeEach(() => {
  faults.seen.length = 0;
});

function busWith(options: Parameters<typeof createEventBus>[0] = {}) {
  const errors: HandlerErrorInfo[] = [];
  const letters: DeadLetter[] = [];
  const bus = createEventBus({
    handlers: [Hostile, Healthy],
    logger: recordingLogger({ format: true }),
    hooks: { onError: (i) => errors.push(i), onDeadLetter: (l) => letters.push(l) },
    ...options,
  });
  return { bus, errors, letters, healthy: bus.resolver.get(Healthy) };
}

/** After any fault: nothing escaped, nothing is pending, and the bus still works. */
async function expectBusStillWorks(bus: EventBus, healthy: Healthy) {
  await bus.drain(2_000);
  await nextTurn();
  expect(faults.seen).toEqual([]);
  expect(bus.pending()).toEqual({
    buffered: 0,
    openScopes: 0,
    queued: 0,
    dispatching: 0,
    retrying: 0,
    publishing: 0,
  });
  bus.emit(new Normal(42));
  await bus.drain(2_000);
  expect(healthy.seen).toContain(42);
}

const cases = Object.entries(hostileValues);

describe('a hostile value thrown by a handler', () => {
  test.each(cases)(
    '%s: one failed outcome, onError, a dead letter; the bus goes on',
    async (_, make) => {
      const { bus, errors, letters, healthy } = busWith();
      behave = () => {
        throw make();
      };
      bus.emit(new Poke(1));
      await expectBusStillWorks(bus, healthy);
      expect(errors.map((e) => [e.handlerId, e.attempt, e.willRetry])).toEqual([
        ['Hostile.poke', 1, false],
      ]);
      expect(letters.map((l) => l.handlerId)).toEqual(['Hostile.poke']);
      expect(letters[0]?.error).toBeInstanceOf(Error);
    },
  );

  test.each(cases)('%s as a rejection, with retries: every attempt reported', async (_, make) => {
    const { bus, errors, letters, healthy } = busWith({
      defaultRetry: { attempts: 3, backoffMs: 0 },
    });
    behave = () => Promise.reject(make());
    const report = await bus.dispatch(new Poke(2));
    expect(report.outcomes.map((o) => [o.status, o.attempts])).toEqual([['failed', 3]]);
    await expectBusStillWorks(bus, healthy);
    expect(errors.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(letters).toHaveLength(1);
  });
});

describe('a hostile value returned by a handler', () => {
  test.each(cases)(
    '%s: exactly one outcome is recorded and the slot is released',
    async (_, make) => {
      const { bus, healthy } = busWith();
      behave = make;
      const report = await bus.dispatch(new Poke(3));
      expect(report.outcomes).toHaveLength(1);
      expect(['succeeded', 'failed']).toContain(report.outcomes[0]?.status);
      bus.emit(new Poke(4));
      await expectBusStillWorks(bus, healthy);
    },
  );

  test.each(cases)('%s as the value of a promise', async (_, make) => {
    const { bus, healthy } = busWith();
    behave = async () => make();
    const report = await bus.dispatch(new Poke(5));
    expect(report.outcomes).toHaveLength(1);
    await expectBusStillWorks(bus, healthy);
  });

  test('a thenable whose `then` getter throws is a failure of that invocation', async () => {
    const { bus, letters } = busWith();
    behave = () => throwingGetters('then');
    const report = await bus.dispatch(new Poke(6));
    expect(report.outcomes[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(report.outcomes[0]?.error?.message).toMatch(/getter then threw/);
    expect(letters).toHaveLength(1);
  });

  test('1,001 events whose handler returns a throwing thenable do not use up `concurrency`', async () => {
    const { bus, healthy } = busWith({ logger: silentLogger });
    behave = () => throwingGetters('then');
    for (let i = 0; i < 1_001; i++) bus.emit(new Poke(i));
    await bus.drain(5_000);
    expect(bus.deadLetters).toHaveLength(1_000); // deadLetterLimit keeps the newest 1,000
    await expectBusStillWorks(bus, healthy);
  });
});

describe('hostile code around the handler', () => {
  test('`when` that throws a revoked proxy: a failed outcome, never an exception', async () => {
    @EventHandler()
    class Guarded {
      @OnEvent(Poke, {
        when: () => {
          throw revokedProxy();
        },
      })
      never(): void {}
    }
    const bus = createEventBus({
      handlers: [Guarded, Healthy],
      logger: recordingLogger({ format: true }),
    });
    const report = await bus.dispatch(new Poke(7));
    expect(report.outcomes[0]?.status).toBe('failed');
    await expectBusStillWorks(bus, bus.resolver.get(Healthy));
  });

  test('`shouldRetry` and every hook throwing poisoned errors: the failure is still final and reported', async () => {
    const boom = () => {
      throw poisonedError();
    };
    const bus = createEventBus({
      handlers: [Hostile, Healthy],
      logger: recordingLogger({ format: true }),
      defaultRetry: { attempts: 3, backoffMs: 0 },
      shouldRetry: boom,
      hooks: {
        onEmitted: boom,
        onError: boom,
        onDeadLetter: boom,
        onDiscard: boom,
        onDispatched: boom,
      },
    });
    behave = () => {
      throw poisonedError();
    };
    const report = await bus.dispatch(new Poke(8));
    expect(report.outcomes.map((o) => [o.status, o.attempts])).toEqual([['failed', 1]]);
    expect(bus.deadLetters).toHaveLength(1);
    await expectBusStillWorks(bus, bus.resolver.get(Healthy));
  });

  test('hooks returning hostile thenables are never unhandled', async () => {
    const bus = createEventBus({
      handlers: [Hostile, Healthy],
      logger: recordingLogger({ format: true }),
      hooks: {
        onEmitted: () => throwingGetters('then') as never,
        onError: () => Promise.reject(revokedProxy()) as never,
        onDeadLetter: () =>
          ({
            // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point
            then: () => {
              throw poisonedError();
            },
          }) as never,
      },
    });
    behave = () => {
      throw new Error('plain');
    };
    await bus.dispatch(new Poke(9));
    await expectBusStillWorks(bus, bus.resolver.get(Healthy));
  });

  test('a logger whose every method throws: handlers fail, retry and dead-letter; close() resolves', async () => {
    const { bus, errors, letters, healthy } = busWith({
      logger: throwingLogger,
      defaultRetry: { attempts: 2, backoffMs: 0 },
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      behave = () => {
        throw poisonedError();
      };
      bus.emit(new Poke(10));
      await expectBusStillWorks(bus, healthy);
      expect(errors.map((e) => e.attempt)).toEqual([1, 2]);
      expect(letters).toHaveLength(1);
      // The fallback wrote what the logger could not, to stderr.
      expect(stderr.mock.calls.some(([line]) => String(line).includes('Hostile.poke'))).toBe(true);
      await expect(bus.close(1_000)).resolves.toMatchObject({ drained: true });
    } finally {
      stderr.mockRestore();
    }
  });

  test('an async logger and an async shouldRetry that reject with hostile values: never unhandled', async () => {
    const rejects = () => Promise.reject(revokedProxy());
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { bus, errors, healthy } = busWith({
        logger: { error: rejects, warn: rejects, info: rejects, debug: rejects } as never,
        defaultRetry: { attempts: 2, backoffMs: 0 },
        shouldRetry: rejects as never,
      });
      behave = () => {
        throw new Error('plain');
      };
      bus.emit(new Poke(12));
      await expectBusStillWorks(bus, healthy);
      expect(errors.map((e) => e.attempt)).toEqual([1, 2]); // a promise is not a veto
    } finally {
      stderr.mockRestore();
    }
  });

  test('the default console logger survives a console that throws and errors that cannot be printed', async () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => {
      throw new Error('console.error threw');
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { bus, healthy } = busWith({ logger: consoleLogger });
      behave = () => {
        throw poisonedError();
      };
      bus.emit(new Poke(11));
      await expectBusStillWorks(bus, healthy);
    } finally {
      spy.mockRestore();
      stderr.mockRestore();
    }
  });
});

describe('through HTTP', () => {
  test('a handler returning a throwing thenable after a 201: the server keeps serving, nothing is unhandled', async () => {
    const app = createApp({
      handlers: [Hostile, Healthy],
      logger: recordingLogger({ format: true }),
    });
    app.router.post('/poke', (ctx) => {
      app.bus.emit(new Poke(12));
      ctx.status = 201;
    });
    app.router.get('/health', (ctx) => {
      ctx.body = 'ok';
    });
    behave = () => throwingGetters('then');
    await app.listen(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${app.port()}`;
      for (let i = 0; i < 20; i++)
        expect((await fetch(`${base}/poke`, { method: 'POST' })).status).toBe(201);
      await app.bus.drain(2_000);
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect(app.bus.deadLetters).toHaveLength(20);
      await expectBusStillWorks(app.bus, app.bus.resolver.get(Healthy));
    } finally {
      await app.close(2_000);
    }
  });
});
