import 'reflect-metadata';
import { peerById } from '../dispatch/peers';
import { childMain } from '../lib/child';
import { loadOurs, oursUnavailable } from '../lib/ours';
import { checksum, Ping, settle, until } from '../lib/sink';

/**
 * Heap retained after pushing N events through one peer (run with --expose-gc):
 *   mode 'dispatch': N awaited dispatches, one after the other;
 *   mode 'emit':     N fire-and-forget emits, in chunks of 10 000 awaited until handled;
 *   mode 'scope':    koa-event-bus only: bytes per event buffered in an open request scope.
 * Heap is read after two full GCs, before and after; the difference is what the bus kept.
 */
export interface MemoryConfig {
  peer: string;
  mode: 'dispatch' | 'emit' | 'scope';
  n: number;
}

export interface MemoryResult {
  peer: string;
  label: string;
  mode: MemoryConfig['mode'];
  n: number;
  unavailable?: string;
  heapBeforeMB?: number;
  heapAfterMB?: number;
  /** Retained growth, MB (after - before). */
  growthMB?: number;
  /** Peak heapUsed seen between chunks (emit mode) or at the end of the loop (dispatch), MB. */
  peakMB?: number;
  /** scope mode: bytes per buffered event. */
  bytesPerEvent?: number;
  seconds?: number;
  checksum: number;
}

const CHUNK = 10_000;
const MB = 1024 * 1024;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc');
  g();
  g();
}

async function heapAfterGc(): Promise<number> {
  await settle();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * koa-event-bus: memory per buffered event in a request scope.
 * Retains N event objects first (so they are not counted), then opens `bus.scope(fn)` and emits
 * them all inside it; while the scope is still open (nothing dispatched yet) the heap is read.
 */
async function scopeBytesPerEvent(n: number): Promise<number> {
  const bus = loadOurs().createEventBus({ handlers: [] });
  const events = Array.from({ length: n }, (_, i) => new Ping(i));
  const before = await heapAfterGc();
  let inside = 0;
  await bus.scope(async () => {
    for (const e of events) bus.emit(e);
    inside = await heapAfterGc();
  });
  await bus.drain();
  await bus.close();
  return (inside - before) / n;
}

async function run(cfg: MemoryConfig): Promise<MemoryResult> {
  const peer = peerById(cfg.peer);
  const base = { peer: peer.id, label: peer.label, mode: cfg.mode, n: cfg.n, checksum: 0 };
  const why = peer.unavailable?.();
  if (why) return { ...base, unavailable: why };

  if (cfg.mode === 'scope') {
    if (peer.id !== 'koa-event-bus') throw new Error('scope mode is for koa-event-bus only');
    const missing = oursUnavailable('createEventBus');
    if (missing) return { ...base, unavailable: missing };
    const t0 = performance.now();
    const bytesPerEvent = await scopeBytesPerEvent(cfg.n);
    return {
      ...base,
      bytesPerEvent,
      seconds: (performance.now() - t0) / 1000,
      checksum: checksum(),
    };
  }

  const inst = await peer.create({ types: [Ping], handlersPerType: 1 });
  const dispatch = inst.dispatcher(Ping);
  const emit = inst.emitter(Ping);
  // Warm-up, so that lazily created structures and JIT code are in the baseline.
  for (let i = 0; i < CHUNK; i++) await dispatch(new Ping(i));
  {
    const done = until(CHUNK);
    for (let i = 0; i < CHUNK; i++) emit(new Ping(i));
    await done;
  }
  const before = await heapAfterGc();
  let peak = 0;
  const t0 = performance.now();
  if (cfg.mode === 'dispatch') {
    for (let i = 0; i < cfg.n; i++) {
      await dispatch(new Ping(i));
      if (i % CHUNK === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  } else {
    for (let sent = 0; sent < cfg.n; sent += CHUNK) {
      const k = Math.min(CHUNK, cfg.n - sent);
      const done = until(k);
      for (let i = 0; i < k; i++) emit(new Ping(sent + i));
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      await done;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = await heapAfterGc();
  await inst.close();
  return {
    ...base,
    heapBeforeMB: before / MB,
    heapAfterMB: after / MB,
    growthMB: (after - before) / MB,
    peakMB: peak / MB,
    seconds,
    checksum: checksum(),
  };
}

if (require.main === module) childMain(run);
