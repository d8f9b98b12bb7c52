import { createEventBus, EventHandler, OnEvent, silentLogger } from 'koa-event-bus';
import { gate } from '../fixtures/gate';

class Step {
  constructor(readonly n: number) {}
}

describe('ordering', () => {
  test('events of one scope start in emission order', async () => {
    const log: string[] = [];
    const bus = createEventBus({ logger: silentLogger });
    bus.on(Step, (e) => {
      log.push(`start ${e.n}`);
    });
    await bus.scope(() => {
      for (let n = 1; n <= 5; n++) bus.emit(new Step(n));
      log.push('scope body done');
    });
    await bus.drain();
    expect(log).toEqual(['scope body done', 'start 1', 'start 2', 'start 3', 'start 4', 'start 5']);
  });

  test('handlers of one event run concurrently by default', async () => {
    const log: string[] = [];
    const g = gate();
    const bus = createEventBus({ logger: silentLogger });
    bus.on(Step, async () => {
      log.push('a start');
      await g.opened;
      log.push('a end');
    });
    bus.on(Step, () => {
      log.push('b ran');
    });
    const done = bus.dispatch(new Step(1));
    await Promise.resolve();
    // b ran while a was still waiting on the gate
    expect(log).toEqual(['a start', 'b ran']);
    g.open();
    await done;
    expect(log).toEqual(['a start', 'b ran', 'a end']);
  });

  test('`order` runs groups one after another, lowest first, even across failures', async () => {
    const log: string[] = [];

    @EventHandler()
    class Ordered {
      @OnEvent(Step, { order: 2 })
      async last() {
        log.push('order 2');
      }
      @OnEvent(Step, { order: -1 })
      async first() {
        await Promise.resolve();
        log.push('order -1');
        throw new Error('first fails');
      }
      @OnEvent(Step)
      async middleA() {
        await Promise.resolve();
        log.push('order 0 (a)');
      }
      @OnEvent(Step)
      middleB() {
        log.push('order 0 (b)');
      }
    }

    const bus = createEventBus({ handlers: [Ordered], logger: silentLogger });
    const report = await bus.dispatch(new Step(1));
    expect(log).toEqual(['order -1', 'order 0 (b)', 'order 0 (a)', 'order 2']);
    expect(report.outcomes.map((o) => `${o.handlerId}:${o.status}`)).toEqual([
      'Ordered.first:failed',
      'Ordered.middleA:succeeded',
      'Ordered.middleB:succeeded',
      'Ordered.last:succeeded',
    ]);
  });

  test('`concurrency` bounds how many queued events run at once, keeping FIFO order', async () => {
    const log: string[] = [];
    const gates = [gate(), gate(), gate()];
    const bus = createEventBus({ logger: silentLogger, concurrency: 1 });
    bus.on(Step, async (e) => {
      log.push(`start ${e.n}`);
      await gates[e.n]!.opened;
      log.push(`end ${e.n}`);
    });
    for (const n of [0, 1, 2]) bus.emit(new Step(n));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start 0']);
    gates[0]!.open();
    gates[1]!.open();
    gates[2]!.open();
    await bus.drain();
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });
});
