// Scratch micro-benchmark used while optimising the hot path (not part of the report):
//   npx ts-node --transpile-only -r tsconfig-paths/register bench/quick-dispatch.ts
import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import { createEventBus, EventHandler, OnEvent, silentLogger } from '../src/index';

class Ping {
  constructor(readonly n: number) {}
}
let count = 0;
@EventHandler()
class H {
  @OnEvent(Ping)
  async on(_e: Ping) {
    count++;
  }
}

const results = new Map<string, number[]>();
function record(label: string, ns: number) {
  results.set(label, [...(results.get(label) ?? []), ns]);
}
async function time(label: string, n: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < n / 10; i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  record(label, Number(process.hrtime.bigint() - t0) / n);
}

async function main() {
  const bus = createEventBus({ handlers: [H], logger: silentLogger });
  const ee = new EventEmitter();
  ee.on('ping', async () => {
    count++;
  });
  const N = 200_000;
  for (let r = 0; r < 7; r++) {
    await time('node:events await async listener', N, () =>
      Promise.all(ee.listeners('ping').map((l) => l(new Ping(1)))),
    );
    await time('keb dispatch (a)', N, () => bus.dispatch(new Ping(1)));
    const t0 = process.hrtime.bigint();
    const M = 100_000;
    for (let i = 0; i < M; i++) bus.emit(new Ping(i));
    await bus.drain();
    record('keb emit+drain (c)', Number(process.hrtime.bigint() - t0) / M);
  }
  for (const [label, xs] of results) {
    const sorted = [...xs].sort((a, b) => a - b);
    console.log(
      `${label.padEnd(34)} min ${sorted[0]!.toFixed(0).padStart(6)}  median ${sorted[sorted.length >> 1]!.toFixed(0).padStart(6)} ns/op`,
    );
  }
}
void main();
