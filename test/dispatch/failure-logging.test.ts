import { format } from 'node:util';
import { consoleLogger, createEventBus } from 'koa-event-bus';
import { recordingLogger } from '../fixtures/recording-logger';

class EmailRequested {
  constructor(readonly to: string) {}
}

describe('failure logging', () => {
  test('a failure that will be retried is one warn line without the stack; the final failure carries the error', async () => {
    const logger = recordingLogger();
    const bus = createEventBus({ logger });
    let calls = 0;
    bus.on(
      EmailRequested,
      () => {
        calls++;
        throw new Error(`SMTP relay busy (${calls})`);
      },
      { id: 'send', retry: { attempts: 2, backoffMs: 0 } },
    );
    bus.emit(new EmailRequested('ada@example.com'));
    await bus.drain();
    const failures = logger.lines.filter((l) => l.level === 'warn' || l.level === 'error');
    expect(
      failures.map((l) => [l.level, 'err' in l.obj, (l.obj as { error?: unknown }).error]),
    ).toEqual([
      ['warn', false, 'Error: SMTP relay busy (1)'],
      ['error', true, undefined],
    ]);
    expect((failures[1]?.obj as { err?: Error } | undefined)?.err?.message).toBe(
      'SMTP relay busy (2)',
    );
  });

  test('the console logger prints a retried failure on one line', async () => {
    const printed: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((...args) => {
      printed.push(format(...args));
    });
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const bus = createEventBus({ logger: consoleLogger });
      bus.on(
        EmailRequested,
        () => {
          throw new Error('SMTP relay busy');
        },
        { id: 'send', retry: { attempts: 2, backoffMs: 0 } },
      );
      bus.emit(new EmailRequested('ada@example.com'));
      await bus.drain();
      expect(printed).toHaveLength(1);
      expect(printed[0]).toMatch(
        /^\[koa-event-bus\] handler send failed \(attempt 1\), retrying in 0 ms \{.*error: 'Error: SMTP relay busy'.*\}$/,
      );
      expect(printed[0]).not.toContain('\n');
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
