/**
 * ─── koa-event-bus ─────────────────────────────────────────────────────────────────────────────
 * Our package, imported from the repository's src/ (compiled together with the benches; never a
 * dependency of bench/). Loaded on demand, so that children benchmarking a peer do not load it.
 * Benches check `oursUnavailable(...)` and print the reason in their rows when a part of the API
 * they need is not there yet.
 */
export type Ours = typeof import('../../src/index');

/**
 * `KEB_BENCH_SRC` (an absolute path to a compiled src/index.js) replaces the copy compiled with the
 * benches: bench/core/run.sh sets it per child to benchmark another commit's src/, or a snapshot.
 */
export function loadOurs(): Ours {
  return require(process.env.KEB_BENCH_SRC || '../../src/index') as Ours;
}

/** Why a bench that needs `names` from src/index cannot run, or undefined when it can. */
export function oursUnavailable(...names: string[]): string | undefined {
  const api = loadOurs() as unknown as Record<string, unknown>;
  const missing = names.filter((n) => api[n] === undefined);
  return missing.length
    ? `koa-event-bus not wired: src/index.ts does not export ${missing.join(', ')} yet`
    : undefined;
}
