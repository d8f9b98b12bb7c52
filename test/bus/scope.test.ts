import { createEventBus, type DiscardInfo, type EventEnvelope, silentLogger } from 'koa-event-bus';
import { gate } from '../fixtures/gate';
import { nextTurn } from '../fixtures/next-turn';

class Imported {
  constructor(readonly row: number) {}
}
class ImportFailed {
  constructor(readonly reason: string) {}
}

function setup() {
  const ran: string[] = [];
  const discards: DiscardInfo[] = [];
  const envelopes: EventEnvelope[] = [];
  const bus = createEventBus({
    logger: silentLogger,
    hooks: { onDiscard: (d) => discards.push(d) },
  });
  bus.on(Imported, (e, ctx) => {
    ran.push(`imported ${e.row}`);
    envelopes.push(ctx.envelope);
  });
  bus.on(ImportFailed, (e) => {
    ran.push(`failed: ${e.reason}`);
  });
  return { bus, ran, discards, envelopes };
}

describe('bus.scope', () => {
  test('events emitted inside are buffered until fn resolves, then dispatched in order', async () => {
    const { bus, ran } = setup();
    const result = await bus.scope(async () => {
      bus.emit(new Imported(1));
      await nextTurn();
      bus.emit(new Imported(2));
      ran.push('body done');
      return 'result';
    });
    expect(result).toBe('result');
    await bus.drain();
    expect(ran).toEqual(['body done', 'imported 1', 'imported 2']);
  });

  test('if fn throws, its events are discarded with the reason and the error propagates', async () => {
    const { bus, ran, discards } = setup();
    const boom = new Error('row 3 is invalid');
    await expect(
      bus.scope(() => {
        bus.emit(new Imported(1));
        bus.emit(new Imported(2));
        throw boom;
      }),
    ).rejects.toBe(boom);
    await bus.drain();
    expect(ran).toEqual([]);
    expect(discards).toHaveLength(1);
    expect(discards[0]?.reason).toEqual({ kind: 'scope-failed', error: boom });
    expect(discards[0]?.envelopes.map((e) => (e.event as Imported).row)).toEqual([1, 2]);
  });

  test("`when: 'always'` events are dispatched even when the scope is discarded", async () => {
    const { bus, ran } = setup();
    await bus
      .scope(() => {
        bus.emit(new Imported(1));
        bus.emit(new ImportFailed('disk full'), { when: 'always' });
        throw new Error('disk full');
      })
      .catch(() => {});
    await bus.drain();
    expect(ran).toEqual(['failed: disk full']);
  });

  test('nested scopes commit with the outermost; a failed inner scope discards only its own events', async () => {
    const { bus, ran } = setup();
    await bus.scope(async () => {
      bus.emit(new Imported(1));
      await bus.scope(() => {
        bus.emit(new Imported(2));
      });
      await bus
        .scope(() => {
          bus.emit(new Imported(3));
          throw new Error('inner fails');
        })
        .catch(() => {});
      await nextTurn();
      // the inner scope committed into the outer one: nothing has run yet
      expect(ran).toEqual([]);
      bus.emit(new Imported(4));
    });
    await bus.drain();
    expect(ran).toEqual(['imported 1', 'imported 2', 'imported 4']);
  });

  test('a failing outer scope discards what its inner scopes committed', async () => {
    const { bus, ran, discards } = setup();
    await bus
      .scope(async () => {
        await bus.scope(() => {
          bus.emit(new Imported(1));
        });
        throw new Error('outer fails');
      })
      .catch(() => {});
    await bus.drain();
    expect(ran).toEqual([]);
    expect(discards[0]?.envelopes).toHaveLength(1);
  });

  test('every event of a scope shares its correlation id', async () => {
    const { bus, envelopes } = setup();
    await bus.scope(
      () => {
        bus.emit(new Imported(1));
        bus.emit(new Imported(2));
      },
      { correlationId: 'job-42' },
    );
    await bus.drain();
    expect(envelopes.map((e) => e.correlationId)).toEqual(['job-42', 'job-42']);
  });

  test('drain waits for open scopes; an emit after the scope committed is dispatched right away', async () => {
    const { bus, ran } = setup();
    const release = gate();
    const late = gate();
    const scopeDone = bus.scope(async () => {
      bus.emit(new Imported(1));
      await release.opened;
      // a task started in the scope that outlives it
      void late.opened.then(() => bus.emit(new Imported(2)));
    });
    let drained = false;
    const drain = bus.drain().then(() => {
      drained = true;
    });
    await nextTurn();
    expect(drained).toBe(false);
    expect(bus.pending()).toMatchObject({ openScopes: 1, buffered: 1 });
    release.open();
    await scopeDone;
    await drain;
    expect(ran).toEqual(['imported 1']);
    late.open();
    await nextTurn();
    await bus.drain();
    expect(ran).toEqual(['imported 1', 'imported 2']);
  });

  test('openScope + run + commit/discard is the manual form', async () => {
    const { bus, ran, discards } = setup();
    const ok = bus.openScope();
    ok.run(() => bus.emit(new Imported(1)));
    expect(ok.envelopes).toHaveLength(1);
    ok.commit();
    const ko = bus.openScope();
    ko.run(() => bus.emit(new Imported(2)));
    ko.discard({ kind: 'manual', message: 'changed my mind' });
    expect(ko.state).toBe('discarded');
    await bus.drain();
    expect(ran).toEqual(['imported 1']);
    expect(discards[0]?.reason).toEqual({ kind: 'manual', message: 'changed my mind' });
  });

  test("an 'always' event emitted into an inner scope that already failed waits for the open outer scope", async () => {
    const { bus, ran } = setup();
    await bus.scope(async () => {
      const inner = bus.openScope();
      inner.discard({ kind: 'manual', message: 'inner failed' });
      inner.run(() => {
        bus.emit(new Imported(1)); // follows the inner verdict: discarded
        bus.emit(new ImportFailed('late'), { when: 'always' }); // kept, but inside the outer unit of work
      });
      await nextTurn();
      expect(ran).toEqual([]);
    });
    await bus.drain();
    expect(ran).toEqual(['failed: late']);
  });
});
