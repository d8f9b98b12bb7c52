import { fork } from 'node:child_process';
import * as path from 'node:path';

/**
 * Each benchmark runs in a child process of its own (fresh JIT state and heap, no cross-talk
 * between libraries). A child gets its config as JSON in argv[2] and answers over IPC.
 */
export type Message =
  | { type: 'result'; result: unknown }
  | { type: 'error'; error: string }
  | { type: 'ready'; port: number }
  | { type: 'stats'; stats: Record<string, number> };

export function childConfig<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('child started without a config argument');
  return JSON.parse(raw) as T;
}

/** Entry point of a worker child: runs `fn`, sends its result, exits. */
export function childMain<C, R>(fn: (config: C) => Promise<R>): void {
  fn(childConfig<C>()).then(
    (result) => {
      process.send?.({ type: 'result', result } satisfies Message, () => process.exit(0));
    },
    (err: unknown) => {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.send?.({ type: 'error', error } satisfies Message, () => process.exit(1));
    },
  );
}

/** The compiled sibling of a bench module: `script` is relative to the bench/ folder. */
export function compiled(script: string): string {
  // This file is compiled to dist/bench/lib/child.js.
  return path.join(__dirname, '..', script.replace(/\.ts$/, '.js'));
}

export interface RunOptions {
  execArgv?: string[];
  timeoutMs: number;
}

/** Runs a worker child to completion and returns the result it sent. */
export function runChild<R>(script: string, config: unknown, opts: RunOptions): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const child = fork(compiled(script), [JSON.stringify(config)], {
      execArgv: opts.execArgv ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const timer = setTimeout(() => {
      finish(new Error(`${script} timed out after ${opts.timeoutMs} ms`));
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const finish = (err: Error | null, value?: R) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value as R);
    };
    child.on('message', (m: Message) => {
      if (m.type === 'result') finish(null, m.result as R);
      else if (m.type === 'error') finish(new Error(`${script}: ${m.error}`));
    });
    child.on('error', (e) => finish(e));
    child.on('exit', (code, signal) => {
      finish(new Error(`${script} exited (code ${code}, signal ${signal}) without a result`));
    });
  });
}
