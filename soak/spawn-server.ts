import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import * as path from 'node:path';

const running = new Set<ChildProcess>();

/** SIGKILLs every server child still alive (the driver's watchdog and exit path). */
export function killServers(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** soak/server.ts running in a child process. */
export interface ServerProcess {
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the child has exited. */
  exited: Promise<number | string>;
}

/**
 * Starts soak/server.ts (ts-node, as `npm start` runs the examples) writing its
 * journal to `journalPath` and its stderr to `logPath`; resolves with its port.
 */
export async function spawnServer(
  journalPath: string,
  logPath: string,
  startTimeoutMs = 30_000,
): Promise<ServerProcess> {
  const root = path.join(__dirname, '..');
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'soak/server.ts'],
    { cwd: root, env: { ...process.env, JOURNAL: journalPath }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.stderr?.pipe(createWriteStream(logPath));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^port (\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening; see ${logPath}`));
    });
  });
  return { port, child, exited };
}
