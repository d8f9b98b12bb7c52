/**
 * Shared state for every benchmark handler. Each handler, whatever the library, does the same
 * trivial work: add the event's payload to a sum and count itself. `until(k)` resolves once k more
 * handler invocations have finished; it is how fire-and-forget emitters (and the synchronous ones
 * awaiting an async listener) are timed "until handled".
 */
export interface BenchEvent {
  readonly n: number;
}
export type EventClass = new (n: number) => BenchEvent;

export class Ping implements BenchEvent {
  constructor(readonly n: number) {}
}

/** Builds `count` distinct event classes named `${prefix}0..`, for the routing benchmark (d). */
export function makeEventTypes(count: number, prefix = 'Evt'): EventClass[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `${prefix}${i}`;
    const holder = {
      [name]: class implements BenchEvent {
        constructor(readonly n: number) {}
      },
    };
    return holder[name]!;
  });
}

let count = 0;
let sum = 0;
let target = -1;
let release: (() => void) | null = null;

/** The body of every benchmark handler. */
export function hit(n: number): void {
  sum += n;
  if (++count === target) {
    const r = release!;
    release = null;
    target = -1;
    r();
  }
}

/** Resolves once `k` more handler invocations (from now) have finished. One waiter at a time. */
export function until(k: number): Promise<void> {
  if (release !== null) throw new Error('until(): a wait is already pending');
  return new Promise<void>((resolve) => {
    target = count + k;
    release = resolve;
  });
}

export function handledCount(): number {
  return count;
}

/** Keeps the optimiser from dropping handler work. */
export function checksum(): number {
  return sum;
}

/** Lets pending microtasks, immediates and timers of finished work run out. */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await new Promise<void>((r) => setImmediate(r));
  }
  await new Promise<void>((r) => setTimeout(r, 5));
}
