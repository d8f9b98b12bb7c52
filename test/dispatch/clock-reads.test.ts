import { performance } from 'node:perf_hooks';
import { type Clock, createEventBus, EventHandler, OnEvent, silentLogger } from 'koa-event-bus';

// Issue 13: no clock read on the dispatch path unless someone reads a
// duration (a clock read costs ~70–100 ns on these VMs, ~40% of a dispatch
// once). The envelope's `occurredAt` is the one read per event: it is the
// event's timestamp, not a duration.

class Pinged {
  constructor(readonly n: number) {}
}

let runs = 0;
@EventHandler()
class Sync {
  @OnEvent(Pinged)
  handle(_e: Pinged): void {
    runs++;
  }
}
@EventHandler()
class Async {
  @OnEvent(Pinged)
  async handle(_e: Pinged): Promise<void> {
    await Promise.resolve();
    runs++;
  }
}

function countingClock(): Clock & { reads: number } {
  const clock = {
    reads: 0,
    now: () => {
      clock.reads++;
      return Date.now();
    },
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
  };
  return clock;
}

afterEach(() => jest.restoreAllMocks());

test('emit and dispatch without hooks read the clock once per event (occurredAt), never performance.now', async () => {
  const clock = countingClock();
  const bus = createEventBus({ handlers: [Sync, Async], clock, logger: silentLogger });
  const perf = jest.spyOn(performance, 'now');
  const dateNow = jest.spyOn(Date, 'now');
  runs = 0;
  for (let n = 0; n < 20; n++) bus.emit(new Pinged(n));
  await bus.drain();
  for (let n = 0; n < 5; n++) await bus.dispatch(new Pinged(n));
  const scope = bus.openScope();
  scope.run(() => bus.emit(new Pinged(99)));
  scope.commit();
  await bus.drain();

  expect(runs).toBe(2 * 26);
  expect(perf).not.toHaveBeenCalled();
  expect(clock.reads).toBe(26);
  expect(dateNow.mock.calls.length).toBe(26); // the clock's own reads, nothing else
  await bus.close();
});

test('with an onDispatched hook, durations are measured: two performance.now reads per handler run', async () => {
  const bus = createEventBus({
    handlers: [Sync, Async],
    logger: silentLogger,
    hooks: { onDispatched: () => {} },
  });
  const perf = jest.spyOn(performance, 'now');
  runs = 0;
  for (let n = 0; n < 10; n++) bus.emit(new Pinged(n));
  await bus.drain();
  expect(runs).toBe(20);
  expect(perf.mock.calls.length).toBeGreaterThan(0);
  expect(perf.mock.calls.length).toBeLessThanOrEqual(2 * 20);
  await bus.close();
});
