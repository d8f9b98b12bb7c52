// One workload, one library copy, one process: ns per event on stdout.
// Run through bench/ab/run.sh, which interleaves two copies of src/.
import 'reflect-metadata';

const [src, workload] = [process.argv[2] ?? '', process.argv[3] ?? 'dispatch'];
const { createEventBus, EventHandler, OnEvent, silentLogger } = require(src);

class Ev {
  constructor(readonly n: number) {}
}
let count = 0;

@EventHandler()
class Sync {
  @OnEvent(Ev) on(e: Ev) {
    count += e.n;
  }
}

@EventHandler()
class Async {
  @OnEvent(Ev) async on(e: Ev) {
    count += e.n;
  }
}

async function main() {
  const async = workload.startsWith('async');
  const bus = createEventBus({
    handlers: [async ? Async : Sync],
    logger: silentLogger,
    maxInFlight: 1_000_000,
  });
  // '-als': AsyncLocalStorage already in use, as in any app that served a request.
  if (workload.endsWith('-als')) await bus.scope(async () => {});
  const n = 200_000;
  const round = async () => {
    if (workload.startsWith('dispatch')) for (let i = 0; i < n; i++) await bus.dispatch(new Ev(1));
    else {
      for (let i = 0; i < n; i++) bus.emit(new Ev(1));
      await bus.drain();
    }
  };
  await round();
  await round();
  const t0 = performance.now();
  for (let r = 0; r < 3; r++) await round();
  console.log(Math.round(((performance.now() - t0) * 1e6) / (3 * n)));
  if (count < 0) console.log(count);
}
void main();
