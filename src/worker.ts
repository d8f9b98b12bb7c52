import type { EventBusOptions } from './bus/bus-options';
import type { CloseReport } from './bus/close-report';
import { EventBus } from './bus/event-bus';
import type { Provider } from './container/provider';
import type { Transport } from './transport/transport';

/**
 * Options of {@link startWorker}: every bus option; `transport` is required
 * (a broker transport that consumes, e.g. `rabbitmqTransport({ app, consume: true })`).
 */
export interface WorkerOptions<P extends readonly Provider[] = readonly Provider[]>
  extends EventBusOptions<P> {
  transport: Transport;
  /** Wire SIGTERM and SIGINT to `close()` (once). Default true: a worker is a process of its own. */
  handleSignals?: boolean;
  /** How long `close()` lets in-flight handlers finish, in ms. Default 30 000. */
  shutdownTimeoutMs?: number;
}

/**
 * A running worker: the same handler classes as the web process, fed by the
 * broker instead of by requests.
 *
 * @example
 * ```ts
 * const worker = await startWorker({ handlers: [SendWelcomeEmail], transport });
 * const report = await worker.close(); // stop consuming, finish in-flight handlers, disconnect
 * ```
 */
export interface Worker {
  readonly bus: EventBus;
  /** Stops consuming, lets in-flight handlers finish (bounded), closes the transport. Idempotent. */
  close(timeoutMs?: number): Promise<CloseReport>;
}

/**
 * Starts a worker process's bus and resolves once its transport is connected
 * (and, for a consuming transport, its queues are declared and consumed). A
 * connection failure rejects, after closing what was opened. SIGTERM lets
 * in-flight handlers finish (`shutdownTimeoutMs`), then exits with code 0, or
 * 1 when work had to be left behind (each event is named in the log).
 *
 * @example
 * ```ts
 * // worker.ts
 * await startWorker({
 *   handlers: [SendWelcomeEmail, AuditLog],
 *   providers: [[Mailer, new SmtpMailer()]],
 *   transport: rabbitmqTransport({ app: 'users', consume: true, prefetch: 16 }),
 * });
 * ```
 */
export async function startWorker<const P extends readonly Provider[] = []>(
  options: WorkerOptions<P>,
): Promise<Worker> {
  const bus = new EventBus(options as EventBusOptions);
  try {
    await bus.ready();
  } catch (err) {
    await bus.close(1).catch(() => {});
    throw err;
  }
  let closing: Promise<CloseReport> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    bus.logger.info({ signal }, `${signal} received, closing the worker`);
    void worker.close().then((report) => {
      bus.logger.info({ drained: report.drained, lost: report.lost.length }, 'worker closed');
      if (!report.drained) process.exitCode = 1;
    });
  };
  const worker: Worker = {
    bus,
    close: (timeoutMs = options.shutdownTimeoutMs ?? 30_000) => {
      closing ??= (async () => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        return bus.close(timeoutMs);
      })();
      return closing;
    },
  };
  if (options.handleSignals ?? true) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return worker;
}
