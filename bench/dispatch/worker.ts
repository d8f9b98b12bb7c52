import 'reflect-metadata';
import { measure } from 'mitata';
import { childMain } from '../lib/child';
import {
  type BenchEvent,
  checksum,
  type EventClass,
  handledCount,
  makeEventTypes,
  Ping,
  settle,
  until,
} from '../lib/sink';
import { type Instance, peerById } from './peers';

/**
 * One peer, all dispatch scenarios, several rounds, in this process:
 *   (a) 1 event -> 1 handler, awaited          ns/op
 *   (b) 1 event -> 10 handlers, awaited        ns/op
 *   (d1) as (a) on a bus with 1 event type     ns/op
 *   (d50) as (a) on a bus with 50 event types, dispatching the last one registered
 *   (c) N fire-and-forget emits, time until all handled    events/s
 * Rounds interleave the scenarios, so that a noisy moment on the machine hits all of them.
 */
export interface DispatchConfig {
  peer: string;
  rounds: number;
  /** mitata: minimum CPU time per measurement, ms. */
  minCpuMs: number;
  throughputN: number;
}

export type Scenario = 'a' | 'b' | 'd1' | 'd50' | 'c';

export interface DispatchResult {
  peer: string;
  label: string;
  how: string;
  unavailable?: string;
  /** a, b, d1, d50: median ns per awaited dispatch, one per round. c: events/s, one per round. */
  samples: Partial<Record<Scenario, number[]>>;
  checksum: number;
}

async function verify(
  name: string,
  d: (e: BenchEvent) => Promise<unknown>,
  make: () => BenchEvent,
  k: number,
): Promise<void> {
  const before = handledCount();
  await d(make());
  const ran = handledCount() - before;
  if (ran !== k) {
    throw new Error(`${name}: expected ${k} handler run(s) when dispatch resolved, saw ${ran}`);
  }
}

async function throughput(
  emit: (e: BenchEvent) => void,
  type: EventClass,
  n: number,
): Promise<number> {
  await settle(1);
  const done = until(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) emit(new type(i));
  await done;
  const ms = performance.now() - t0;
  return (n / ms) * 1000;
}

async function run(cfg: DispatchConfig): Promise<DispatchResult> {
  const peer = peerById(cfg.peer);
  const base = { peer: peer.id, label: peer.label, how: peer.how, checksum: 0 };
  const why = peer.unavailable?.();
  if (why) return { ...base, unavailable: why, samples: {} };

  const [d1Type] = makeEventTypes(1, 'One');
  const manyTypes = makeEventTypes(50, 'Many');
  const d50Type = manyTypes[manyTypes.length - 1]!;

  const instA = await peer.create({ types: [Ping], handlersPerType: 1 });
  const instB = await peer.create({ types: [Ping], handlersPerType: 10 });
  const instD1 = await peer.create({ types: [d1Type!], handlersPerType: 1 });
  const instD50 = await peer.create({ types: manyTypes, handlersPerType: 1 });
  const instC = await peer.create({ types: [Ping], handlersPerType: 1 });
  const all: Instance[] = [instA, instB, instD1, instD50, instC];

  const a = instA.dispatcher(Ping);
  const b = instB.dispatcher(Ping);
  const d1 = instD1.dispatcher(d1Type!);
  const d50 = instD50.dispatcher(d50Type);
  const c = instC.emitter(Ping);

  await verify('a', a, () => new Ping(1), 1);
  await verify('b', b, () => new Ping(1), 10);
  await verify('d1', d1, () => new d1Type!(1), 1);
  await verify('d50', d50, () => new d50Type(1), 1);

  // 512 calls per timed batch (mitata's default 4096 makes a 40 µs operation take seconds per
  // measurement); still ≥ 25 µs per batch for the fastest peers, far above the timer's resolution.
  const opts = { min_cpu_time: cfg.minCpuMs * 1e6, batch_samples: 512 };
  const timed: Array<[Scenario, () => Promise<unknown>]> = [
    ['a', () => a(new Ping(1))],
    ['b', () => b(new Ping(1))],
    ['d1', () => d1(new d1Type!(1))],
    ['d50', () => d50(new d50Type(1))],
  ];
  const samples: Record<Scenario, number[]> = { a: [], b: [], d1: [], d50: [], c: [] };
  // Warm the throughput path once before the rounds.
  await throughput(c, Ping, Math.min(cfg.throughputN, 10_000));
  for (let r = 0; r < cfg.rounds; r++) {
    for (const [name, fn] of timed) {
      const stats = await measure(fn, opts);
      samples[name].push(stats.p50);
    }
    samples.c.push(await throughput(c, Ping, cfg.throughputN));
  }
  for (const inst of all) await inst.close();
  return { ...base, samples, checksum: checksum() };
}

if (require.main === module) childMain(run);
