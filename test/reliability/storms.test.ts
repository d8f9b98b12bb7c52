import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  type App,
  createApp,
  createEventBus,
  type DiscardInfo,
  type EventBus,
  type EventContext,
  EventHandler,
  OnEvent,
  silentLogger,
} from 'koa-event-bus';
import { nextTurn } from '../fixtures/next-turn';
import { processFaults } from './hostile';

class Loop {}
class Fork {}
class Tick {
  constructor(readonly n: number) {}
}
class Ping {}

// A bus reachable without injection, as a module-level singleton would be.
let moduleBus: EventBus | undefined;
let runs = 0;

@EventHandler()
class ForksTwice {
  @OnEvent(Fork)
  fork(_e: Fork, ctx: EventContext): void {
    runs++;
    ctx.emit(new Fork());
    ctx.emit(new Fork());
  }
}

@EventHandler()
class LoopsThroughModuleBus {
  @OnEvent(Loop)
  loop(): void {
    runs++;
    moduleBus?.emit(new Loop());
    moduleBus?.emit(new Loop());
  }
}

@EventHandler()
class LoopsLater {
  @OnEvent(Ping)
  ping(): void {
    runs++;
    // Outlives the handler: the scope it emits into has already committed.
    setImmediate(() => moduleBus?.emit(new Ping()));
  }
}

@EventHandler()
class Counts {
  @OnEvent(Tick)
  tick(): void {
    runs++;
  }
}

const faults = processFaults();
beforeAll(() => faults.install());
afterAll(() => faults.uninstall());
beforeEach(() => {
  runs = 0;
  faults.seen.length = 0;
});

function recordDiscards() {
  const discards: DiscardInfo[] = [];
  return { discards, onDiscard: (info: DiscardInfo) => discards.push(info) };
}

describe('fan-out cycles are cut by the per-root follow-up budget', () => {
  test('ctx.emit twice per run: stopped at maxFollowUpsPerRoot (default 10,000), reported with the root id and the chain', async () => {
    const { discards, onDiscard } = recordDiscards();
    const bus = createEventBus({
      handlers: [ForksTwice],
      logger: silentLogger,
      hooks: { onDiscard },
    });
    const root = bus.emit(new Fork());
    await bus.drain(10_000);
    // The root run plus every accepted descendant ran, and no more.
    expect(runs).toBe(1 + 10_000);
    const cut = discards.filter((d) => d.reason.kind === 'follow-up-budget');
    expect(cut.length).toBeGreaterThan(0);
    const error = (cut[0]?.reason as { error?: Error & Record<string, unknown> } | undefined)
      ?.error;
    expect(error).toMatchObject({
      code: 'KEB_FOLLOW_UP_BUDGET_EXCEEDED',
      rootEventId: root?.id,
      rootEventName: 'Fork',
      limit: 10_000,
    });
    expect(error?.message).toMatch(/Fork -> Fork/);
    expect(bus.pending()).toMatchObject({ queued: 0, dispatching: 0, buffered: 0 });
    expect(faults.seen).toEqual([]);
  });

  test('the same cycle through a module-level bus (not injected) is cut the same way', async () => {
    const { discards, onDiscard } = recordDiscards();
    const bus = createEventBus({
      handlers: [LoopsThroughModuleBus],
      logger: silentLogger,
      hooks: { onDiscard },
      maxFollowUpsPerRoot: 500,
    });
    moduleBus = bus;
    bus.emit(new Loop());
    await bus.drain(10_000);
    expect(runs).toBe(1 + 500);
    expect(discards.some((d) => d.reason.kind === 'follow-up-budget')).toBe(true);
  });

  test('an async cycle through a module-level bus (emitting after the handler returned) is cut by the depth guard', async () => {
    const { discards, onDiscard } = recordDiscards();
    const bus = createEventBus({
      handlers: [LoopsLater],
      logger: silentLogger,
      hooks: { onDiscard },
      maxCausationDepth: 20,
    });
    moduleBus = bus;
    bus.emit(new Ping());
    // Each emit happens a turn after its handler returned; drain sees a pause
    // between them, so wait for the cut itself.
    while (!discards.some((d) => d.reason.kind === 'causation-depth')) await nextTurn();
    await bus.drain(1_000);
    expect(runs).toBe(21); // depths 0..20
  });

  test('a budget is per root: other roots are not starved by one that blew its budget', async () => {
    const bus = createEventBus({
      handlers: [ForksTwice, Counts],
      logger: silentLogger,
      maxFollowUpsPerRoot: 100,
    });
    bus.emit(new Fork());
    bus.emit(new Tick(1));
    await bus.drain(5_000);
    expect(runs).toBe(1 + 100 + 1);
  });
});

async function withHealthRoute(options: Parameters<typeof createApp>[0]) {
  const app = createApp({ logger: silentLogger, ...options });
  app.router.get('/health', (ctx) => {
    ctx.body = 'ok';
  });
  await app.listen(0, '127.0.0.1');
  return app;
}

/**
 * Probes /health from a separate process (as a load balancer does):
 * sequential GETs over one keep-alive connection, each latency (ms) pushed to
 * `latencies` as it arrives. The probe's own event loop is idle, so it times
 * only the server. `done` resolves when it has made `count` requests.
 */
function probe(app: App, count: number) {
  const latencies: number[] = [];
  const child = spawn(process.execPath, [
    join(__dirname, 'fixtures', 'probe.js'),
    String(app.port()),
    String(count),
  ]);
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) latencies.push(Number(line));
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 || signal === 'SIGTERM' ? resolve() : reject(new Error(`probe exited ${code}`)),
    );
  });
  return { latencies, done, stop: () => child.kill('SIGTERM') };
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
}

describe('storms never starve I/O', () => {
  test('fan-out cycles cut by the default budget, kept running for 300 probes: /health answers with p99 < 50 ms', async () => {
    const app = await withHealthRoute({ handlers: [ForksTwice] });
    let roots = 0;
    let idleTicks = 0;
    let ticks = 0;
    // Keep the storm going: new cycling roots whenever the queue runs low.
    const refill = setInterval(() => {
      ticks++;
      const { queued, dispatching } = app.bus.pending();
      if (queued === 0 && dispatching === 0 && roots > 0) idleTicks++;
      if (queued < 1_000) {
        for (let i = 0; i < 5; i++) app.bus.emit(new Fork());
        roots += 5;
      }
    }, 1);
    try {
      const health = probe(app, 300);
      await health.done;
      clearInterval(refill);
      await app.bus.drain(30_000);
      expect(runs).toBe(roots * (1 + 10_000));
      expect(idleTicks / ticks).toBeLessThan(0.05); // the storm really ran during the probes
      expect(health.latencies).toHaveLength(300);
      expect(p99(health.latencies)).toBeLessThan(50);
    } finally {
      clearInterval(refill);
      await app.close(5_000);
    }
  }, 60_000);

  test('a burst of 1,000,000 queued events: /health answers with p99 < 50 ms while they run', async () => {
    const app = await withHealthRoute({ handlers: [Counts], maxInFlight: 2_000_000 });
    try {
      for (let i = 0; i < 1_000_000; i++) app.bus.emit(new Tick(i));
      const health = probe(app, 5_000);
      await app.bus.drain(60_000);
      const during = [...health.latencies]; // answered while the burst ran
      health.stop();
      await health.done;
      expect(runs).toBe(1_000_000);
      expect(during.length).toBeGreaterThanOrEqual(20);
      expect(p99(during)).toBeLessThan(50);
    } finally {
      await app.close(5_000);
    }
  }, 60_000);
});
