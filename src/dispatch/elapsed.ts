/** `started` value of a run whose durations nobody reads: durations are reported as 0. */
export const UNTIMED = -1;

/** The reading durations count from: a clock read only when durations are measured. */
export function startedAt(timed: boolean): number {
  return timed ? performance.now() : UNTIMED;
}

/** Milliseconds since `started` (a `performance.now()` reading), 0 when untimed. */
export function elapsedSince(started: number): number {
  return started === UNTIMED ? 0 : performance.now() - started;
}
