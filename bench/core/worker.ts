import 'reflect-metadata';
import { measure } from 'mitata';
import { type Instance, peerById } from '../dispatch/peers';
import { childMain } from '../lib/child';
import { checksum, handledCount, Ping, until } from '../lib/sink';

/**
 * bench/core child: ONE library, ONE workload, ONE measurement, then exit (fresh process per
 * library × workload × round, as issue #10's outsider measured). Started by core/run.ts.
 *
 *   a1   1 event -> 1 sync handler
 *   b10  1 event -> 10 sync handlers
 *   c1   1 event -> 1 async handler, awaited
 *
 * Every handler body is `hit(event.n)` (lib/sink.ts); a sync handler is a plain method/listener.
 */
export type Workload = 'a1' | 'b10' | 'c1';
export type LibId =
  | 'node-events'
  | 'nest-event-emitter'
  | 'nest-ee-emit'
  | 'nest-cqrs'
  | 'keb-dispatch'
  | 'keb-emit';

export interface CoreConfig {
  lib: LibId;
  workload: Workload;
  /** A discarded mitata measure() of this long first (JIT warm-up), ms; 0 for none. */
  warmupMs: number;
  /** mitata min_cpu_time of the measure() reported, ms. */
  minCpuMs: number;
  /** keb-emit: events emitted per `await bus.drain()`. */
  drainN: number;
  /** Absolute path of a compiled src/index.js (our package); required for keb-*. */
  src?: string;
}

export interface CoreResult {
  /** mitata p50 of one call, divided by the events it carries: ns per event. */
  ns: number;
  how: string;
  node: string;
  checksum: number;
}

const peerOf: Record<LibId, string> = {
  'node-events': 'node-events',
  'nest-event-emitter': 'nest-event-emitter',
  'nest-ee-emit': 'nest-event-emitter',
  'nest-cqrs': 'nest-cqrs',
  'keb-dispatch': 'koa-event-bus',
  'keb-emit': 'koa-event-bus',
};

interface Timed {
  fn: () => unknown;
  /** Events delivered by one call of fn. */
  events: number;
  how: string;
}

/** The measured call for this library and workload. */
function timed(cfg: CoreConfig, inst: Instance, k: number): Timed {
  const sync = cfg.workload !== 'c1';
  switch (cfg.lib) {
    case 'node-events': {
      if (sync) {
        // Listeners run inside emit(): the bare call, measured synchronously by mitata.
        const call = inst.syncCall!(Ping);
        return {
          fn: () => call(new Ping(1)),
          events: 1,
          how: 'ee.emit() (sync listeners ran inside it; nothing awaited)',
        };
      }
      const d = inst.dispatcher(Ping);
      return {
        fn: () => d(new Ping(1)),
        events: 1,
        how: 'ee.emit() then await until the async listener ran',
      };
    }
    case 'nest-event-emitter': {
      const d = inst.dispatcher(Ping);
      return { fn: () => d(new Ping(1)), events: 1, how: 'await emitter.emitAsync()' };
    }
    case 'nest-ee-emit': {
      // Not how the targets are stated (Nest users await emitAsync): shown to explain the
      // issue's (a)/(b) figures. EventEmitter2's emit() calls Nest's async wrapper synchronously,
      // so a sync handler body has run when emit() returns.
      const em = inst.emitter(Ping);
      if (sync)
        return {
          fn: () => em(new Ping(1)),
          events: 1,
          how: 'emitter.emit() (sync handlers ran inside it; nothing awaited)',
        };
      return {
        fn: () => {
          const done = until(1);
          em(new Ping(1));
          return done;
        },
        events: 1,
        how: 'emitter.emit() then await until the async handler ran',
      };
    }
    case 'nest-cqrs': {
      const d = inst.dispatcher(Ping);
      return {
        fn: () => d(new Ping(1)),
        events: 1,
        how: `eventBus.publish() then await until ${k} handler(s) ran`,
      };
    }
    case 'keb-dispatch': {
      const d = inst.dispatcher(Ping);
      return { fn: () => d(new Ping(1)), events: 1, how: 'await bus.dispatch(e)' };
    }
    case 'keb-emit': {
      const emit = inst.emitter(Ping);
      const drain = inst.drain!;
      const n = cfg.drainN;
      return {
        fn: async () => {
          for (let i = 0; i < n; i++) emit(new Ping(1));
          await drain();
        },
        events: n,
        how: `${n}× bus.emit(e) then await bus.drain(); time / ${n}`,
      };
    }
  }
}

async function run(cfg: CoreConfig): Promise<CoreResult> {
  if (cfg.src) process.env.KEB_BENCH_SRC = cfg.src;
  const k = cfg.workload === 'b10' ? 10 : 1;
  const peer = peerById(peerOf[cfg.lib]);
  const why = peer.unavailable?.();
  if (why) throw new Error(why);
  const inst = await peer.create({
    types: [Ping],
    handlersPerType: k,
    sync: cfg.workload !== 'c1',
  });
  const t = timed(cfg, inst, k);

  // Check: when the timed call returned / resolved, every handler of every event it carried ran.
  // A sync call (nothing returned to await) must have run them before returning.
  const before = handledCount();
  const r = t.fn();
  if (r instanceof Promise) await r;
  const ran = handledCount() - before;
  if (ran !== k * t.events) {
    throw new Error(
      `${cfg.lib}/${cfg.workload}: expected ${k * t.events} handler runs, saw ${ran}`,
    );
  }

  if (cfg.warmupMs > 0) await measure(t.fn, { min_cpu_time: cfg.warmupMs * 1e6 });
  const stats = await measure(t.fn, { min_cpu_time: cfg.minCpuMs * 1e6 });
  const ns = stats.p50 / t.events;
  await inst.close();
  return { ns, how: t.how, node: process.version, checksum: checksum() };
}

if (require.main === module) childMain(run);
