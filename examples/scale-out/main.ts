import { type ChildProcess, spawn } from 'node:child_process';

// `npm run example:scale-out`: one web process and two workers, each a child
// process, as a process manager (systemd, Kubernetes, a Procfile) would run
// them. SIGTERM/SIGINT are forwarded; main exits when all three have.
const WORKERS = 2;

function start(role: 'web' | 'worker', name: string): ChildProcess {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `${role}.ts`],
    {
      cwd: __dirname,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches main only, which
      // forwards it once (a second SIGINT would kill a child mid-drain).
      detached: true,
    },
  );
  const prefix = (d: Buffer) => `${d.toString().replace(/^(?=.)/gm, `[${name}] `)}`;
  child.stdout?.on('data', (d: Buffer) => process.stdout.write(prefix(d)));
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(prefix(d)));
  return child;
}

async function main(): Promise<void> {
  const web = start('web', 'web');
  const workers = Array.from({ length: WORKERS }, (_, i) => start('worker', `worker-${i + 1}`));
  const children = [web, ...workers];
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  };
  const exited = children.map(
    (c) => new Promise<number>((resolve) => c.once('exit', (code) => resolve(code ?? 1))),
  );
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      console.log(`${signal} received, stopping the web process and the workers`);
      stopAll(signal);
    });
  process.once('exit', () => stopAll('SIGKILL')); // never leave orphans behind
  for (const [i, done] of exited.entries())
    void done.then((code) => {
      if (stopping) return;
      console.error(`${i === 0 ? 'web' : `worker-${i}`} exited with ${code}; stopping the others`);
      process.exitCode = 1;
      stopAll('SIGTERM');
    });

  const url = await new Promise<string>((resolve) => {
    let out = '';
    web.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  console.log(
    `koa-event-bus scale-out example: web on ${url}, ${WORKERS} workers (RabbitMQ). Try:`,
  );
  console.log(
    `  curl -s -X POST ${url}/users -H 'content-type: application/json' -d '{"email":"ada@example.com","name":"Ada"}'`,
  );
  console.log('Each worker prints the audit lines of the events it handled.');

  const codes = await Promise.all(exited);
  if (codes.some((c) => c !== 0)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
