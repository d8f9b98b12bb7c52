#!/usr/bin/env node
import { runCli } from './run-cli';

// `koa-event-bus dlq list|replay <handler-id> --app <app>`: see parse-cli-args.ts.
void runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  },
  process.env,
).then((code) => {
  process.exitCode = code;
});
