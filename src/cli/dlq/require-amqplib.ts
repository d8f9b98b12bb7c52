import { CliError, ExitCode } from '../cli-error';

/**
 * Checks that amqplib (an optional peer dependency) can be loaded before the
 * dlq modules import it, so a missing one is a sentence, not MODULE_NOT_FOUND.
 */
export function requireAmqplib(resolve: (id: string) => string = require.resolve): void {
  try {
    resolve('amqplib');
  } catch (err) {
    throw new CliError(
      'koa-event-bus dlq talks to RabbitMQ through amqplib, which is not installed: npm install amqplib',
      ExitCode.Failure,
      { cause: err },
    );
  }
}
