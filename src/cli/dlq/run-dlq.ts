import type { CliOutput } from '../cli-output';
import type { DlqCommand } from './dlq-command';
import { formatDeadLetters } from './format-dead-letters';
import { listDeadLetters } from './list-dead-letters';
import { openBroker } from './open-broker';
import { replayDeadLetters } from './replay-dead-letters';

/**
 * Runs `dlq list` or `dlq replay` on the broker at `cmd.url`. Throws a
 * `CliError` for what the user can fix (unknown queue, broker unreachable).
 *
 * @example
 * ```ts
 * await runDlq(parseCliArgs(['dlq', 'list', 'mailer', '--app', 'shop']) as DlqCommand, out);
 * ```
 */
export async function runDlq(cmd: DlqCommand, out: CliOutput): Promise<void> {
  const model = await openBroker(cmd.url);
  try {
    if (cmd.command === 'list') {
      const listing = await listDeadLetters(model, cmd);
      out.stdout(cmd.json ? JSON.stringify(listing.letters, null, 2) : formatDeadLetters(listing));
    } else {
      const { replayed, from, to } = await replayDeadLetters(model, cmd);
      out.stdout(`Replayed ${replayed} message${replayed === 1 ? '' : 's'} from ${from} to ${to}.`);
    }
  } finally {
    await model.close().catch(() => {});
  }
}
