// The soak's server, run as a child process by driver.ts: `JOURNAL=<file> node ... soak/server.ts`.
// Prints `port <n>` once listening; SIGTERM closes the app, journals the close report, exits.
import 'reflect-metadata';
import { createApp, type DiscardReason, type Logger } from 'koa-event-bus';
import { Journal } from './journal';
import { CapturePayment, QueueReceipt, RecordOrder } from './order-handlers';
import { OrdersController } from './orders.controller';

const SHUTDOWN_TIMEOUT_MS = 1_500;

const journalPath = process.env.JOURNAL;
if (!journalPath) throw new Error('JOURNAL (the journal file path) is required');
const journal = new Journal(journalPath);

/** One short line per log call on stderr (the driver keeps it in a log file). */
const line =
  (level: string) =>
  (obj: object, msg?: string): void => {
    const err = (obj as { err?: unknown }).err;
    const detail = err instanceof Error ? err.message : '';
    process.stderr.write(`${level} ${msg ?? ''} ${detail}\n`);
  };
const logger: Logger = {
  error: line('error'),
  warn: line('warn'),
  info: line('info'),
  debug: () => {},
};

function reasonOf(reason: DiscardReason): string {
  if ('status' in reason) return `${reason.kind}:${reason.status}`;
  if (reason.kind === 'closed') return `closed:${reason.state ?? '-'}`;
  return reason.kind;
}

const app = createApp({
  controllers: [OrdersController],
  handlers: [RecordOrder, CapturePayment, QueueReceipt],
  providers: [[Journal, journal]],
  handleSignals: true,
  shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
  logger,
  hooks: {
    onEmitted: (e) =>
      journal.write('emitted', e.id, e.name, (e.event as { tag?: string }).tag ?? '-'),
    onDiscard: ({ envelopes, reason }) => {
      for (const e of envelopes) journal.write('discarded', e.id, reasonOf(reason));
    },
    onDeadLetter: (l) => journal.write('dead', l.envelope.id, l.handlerId, l.reason),
  },
});

for (const { event, handlers } of app.bus.describe())
  for (const h of handlers) journal.write('handler', event, h.id);

// Registered after createApp's own SIGTERM listener, which has already started close(): this
// timestamp is at or after the moment the server stopped serving new requests.
process.once('SIGTERM', () => {
  journal.write('closing', Date.now());
  void app.close().then((report) => {
    const lost =
      report.lost ??
      report.discarded.map((e) => ({ eventId: e.id, state: 'discarded', handlerIds: [] }));
    for (const l of lost) journal.write('lost', l.eventId, l.state, l.handlerIds.join(',') || '-');
    journal.write(
      'closed',
      `drained=${report.drained}`,
      `connectionsForced=${report.connectionsForced}`,
    );
    // Exit by itself: anything still holding the event loop after close() is a leak.
    setTimeout(() => {
      process.stderr.write('error server still alive 5 s after close(): forcing exit 3\n');
      process.exit(3);
    }, 5_000).unref();
  });
});

void app.listen(0, '127.0.0.1').then(() => {
  process.stdout.write(`port ${app.port()}\n`);
});
