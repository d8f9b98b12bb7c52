import {
  type EventEnvelope,
  EventHandler,
  OnEvent,
  silentLogger,
  startWorker,
  type Transport,
  type TransportHost,
} from 'koa-event-bus';
import { gate } from './fixtures/gate';

class JobQueued {
  constructor(readonly id: string) {}
}

const ran: string[] = [];
const g = { current: gate() };

@EventHandler()
class Jobs {
  @OnEvent(JobQueued, { id: 'jobs' })
  async run(e: JobQueued) {
    await g.current.opened;
    ran.push(e.id);
  }
}

/** A consuming transport driven by the test: `deliver(n)` is one broker delivery. */
class Deliveries implements Transport {
  host: TransportHost | undefined;
  stopped = false;
  closed = false;
  constructor(private readonly connectResult: Promise<void> = Promise.resolve()) {}
  connect(host: TransportHost) {
    this.host = host;
    return this.connectResult;
  }
  publish(_: readonly EventEnvelope[]) {}
  deliver(id: string) {
    const envelope = this.host!.receive({
      id: `evt-${id}`,
      eventClass: JobQueued,
      name: 'JobQueued',
      version: 1,
      occurredAt: new Date(),
      correlationId: `c-${id}`,
      causationId: null,
      depth: 0,
      attempt: 1,
      event: new JobQueued(id),
    });
    return this.host!.runAttempt(envelope, 'jobs');
  }
  async stopReceiving() {
    this.stopped = true;
  }
  async close() {
    this.closed = true;
  }
}

describe('startWorker', () => {
  beforeEach(() => {
    ran.length = 0;
    g.current = gate();
  });

  it('resolves once the transport is connected; close() stops receiving, finishes in-flight handlers, closes', async () => {
    const transport = new Deliveries();
    const worker = await startWorker({
      handlers: [Jobs],
      transport,
      logger: silentLogger,
      handleSignals: false,
    });
    const attempt = transport.deliver('a');
    const closing = worker.close(5_000);
    await Promise.resolve();
    expect(transport.stopped).toBe(true);
    expect(transport.closed).toBe(false); // the handler is still running
    g.current.open();
    expect(await attempt).toEqual({ status: 'succeeded', willRetry: false });
    const report = await closing;
    expect(report.drained).toBe(true);
    expect(ran).toEqual(['a']);
    expect(transport.closed).toBe(true);
    expect(worker.close()).toBe(closing); // idempotent
  });

  it('rejects with the connection error (and closes what it opened)', async () => {
    const transport = new Deliveries(Promise.reject(new Error('ECONNREFUSED 127.0.0.1:5672')));
    await expect(
      startWorker({ handlers: [Jobs], transport, logger: silentLogger, handleSignals: false }),
    ).rejects.toThrow('ECONNREFUSED');
    expect(transport.closed).toBe(true);
  });

  it('SIGTERM closes the worker once, after its in-flight handler finished', async () => {
    const transport = new Deliveries();
    const before = process.listenerCount('SIGTERM');
    const worker = await startWorker({ handlers: [Jobs], transport, logger: silentLogger });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    const attempt = transport.deliver('b');
    process.emit('SIGTERM', 'SIGTERM');
    expect(process.listenerCount('SIGTERM')).toBe(before);
    g.current.open();
    await attempt;
    const report = await worker.close();
    expect(report.drained).toBe(true);
    expect(ran).toEqual(['b']);
    expect(transport.closed).toBe(true);
    expect(process.exitCode ?? 0).toBe(0);
  });
});
