#!/usr/bin/env node
// `koa-event-bus dlq list|replay <handler-id> --app <app>`: see parse-cli-args.ts.
// amqplib is an optional peer dependency: say so rather than MODULE_NOT_FOUND.
try {
  require.resolve('amqplib');
} catch {
  process.stderr.write(
    'koa-event-bus dlq talks to RabbitMQ through amqplib, which is not installed: npm install amqplib\n',
  );
  process.exit(1);
}

void import('./run-cli').then(async ({ runCli }) => {
  process.exitCode = await runCli(
    process.argv.slice(2),
    {
      stdout: (text) => process.stdout.write(`${text}\n`),
      stderr: (text) => process.stderr.write(`${text}\n`),
    },
    process.env,
  );
});
