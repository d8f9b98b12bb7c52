// `npm run soak`: proves that every committed event is handled or reported by id.
// Phase A: 10 000 requests, then every handler run is checked against the responses.
// Phase B: SIGTERM mid-load; every event is handled, discarded, dead-lettered or lost by id.
// Loopback only; every loop is bounded; a watchdog kills everything after 5 minutes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkPhase, type PhaseResult } from './check-phase';
import { runLoad, type Sent } from './load';
import { readJournal } from './read-journal';
import { reportTable } from './report-table';
import { killServers, type ServerProcess, spawnServer } from './spawn-server';

const HARD_CAP_MS = 5 * 60_000;
const dir = mkdtempSync(path.join(tmpdir(), 'keb-soak-'));

const watchdog = setTimeout(() => {
  console.error(`soak: watchdog fired after ${HARD_CAP_MS / 1000} s; killing the server`);
  killServers();
  process.exit(1);
}, HARD_CAP_MS);
process.once('exit', killServers);

/** Polls (bounded) until `done()` or `timeoutMs`; true when done. */
async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** SIGTERM, then SIGKILL if the server has not exited within 15 s. */
async function stop(server: ServerProcess): Promise<number | string> {
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
  const code = await server.exited;
  clearTimeout(timer);
  return code;
}

async function phaseA(): Promise<PhaseResult> {
  const journal = path.join(dir, 'a.journal');
  const server = await spawnServer(journal, path.join(dir, 'a.log'));
  const started = Date.now();
  const sent = await runLoad({
    port: server.port,
    tagPrefix: 'A',
    total: 10_000,
    concurrency: 80,
    deadline: started + 120_000,
    stopWhenRefused: false,
  });
  const wallMs = Date.now() - started;
  const created = sent.filter((s) => s.status === 201).length;
  const settled = await until(() => readJournal(journal).handled.length >= 3 * created, 30_000);
  if (!settled) console.error('soak: phase A handlers did not all run within 30 s');
  const exit = await stop(server);
  writeFileSync(path.join(dir, 'a.requests.json'), JSON.stringify(sent));
  return checkPhase('A: steady load', sent, readJournal(journal), exit, wallMs, false);
}

async function phaseB(): Promise<PhaseResult> {
  const journal = path.join(dir, 'b.journal');
  const server = await spawnServer(journal, path.join(dir, 'b.log'));
  const started = Date.now();
  let exit: Promise<number | string> | undefined;
  const sent: Sent[] = await runLoad({
    port: server.port,
    tagPrefix: 'B',
    total: 30_000,
    concurrency: 50,
    deadline: started + 60_000,
    stopWhenRefused: true,
    onResult: (_s, n) => {
      if (n === 3_000) exit = stop(server);
    },
  });
  const wallMs = Date.now() - started;
  const code = await (exit ?? stop(server));
  writeFileSync(path.join(dir, 'b.requests.json'), JSON.stringify(sent));
  return checkPhase('B: SIGTERM mid-load', sent, readJournal(journal), code, wallMs, true);
}

async function main(): Promise<number> {
  const startedAt = new Date();
  console.log(`soak: journals and server logs in ${dir}`);
  const a = await phaseA();
  console.log(`soak: phase A done (${a.failures.length} failure(s))`);
  const b = await phaseB();
  const table = reportTable([a, b], startedAt);
  console.log(`\n${table}`);
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  writeFileSync(path.join(__dirname, 'results', 'latest.md'), table);
  return a.failures.length + b.failures.length === 0 ? 0 : 1;
}

main()
  .then((code) => {
    clearTimeout(watchdog);
    process.exitCode = code;
  })
  .catch((err) => {
    console.error('soak: aborted:', err);
    killServers();
    process.exit(1);
  });
