#!/usr/bin/env node
// `koa-event-bus list|graph|dlq …`: see usage.ts.
import { runCli } from './run-cli';

void runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  },
  process.env,
).then((code) => {
  process.exitCode = code;
  // `list` loads the project's entry module, which may open handles (a
  // database pool, a timer) that would keep the process alive: exit once the
  // output is out. The timer itself does not keep an idle process waiting.
  setTimeout(() => process.exit(code), 200).unref();
});
