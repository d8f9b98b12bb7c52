import {
  createEventBus,
  type DeadLetter,
  type EventContext,
  EventHandler,
  type HandlerErrorInfo,
  OnEvent,
  silentLogger,
} from 'koa-event-bus';
import { recordingLogger } from '../fixtures/recording-logger';

class Thing {
  constructor(readonly id: number) {}
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

@EventHandler()
class Misbehaving {
  ran: string[] = [];
  @OnEvent(Thing)
  syncThrow(): void {
    throw new Error('sync throw');
  }
  @OnEvent(Thing)
  async rejects(): Promise<void> {
    await Promise.resolve();
    throw new Error('async rejection');
  }
  @OnEvent(Thing)
  throwsString(): void {
    throw 'a bare string';
  }
  @OnEvent(Thing)
  rejectsUndefined(): Promise<void> {
    return Promise.reject(undefined);
  }
  @OnEvent(Thing, { timeoutMs: 20 })
  hangs(_e: Thing, ctx: EventContext): Promise<void> {
    // Never settles on its own; rejects once aborted, after the bus gave up on it.
    return new Promise((_resolve, reject) =>
      ctx.signal.addEventListener('abort', () => reject(new Error('late'))),
    );
  }
  @OnEvent(Thing, {
    when: () => {
      throw new Error('predicate broke');
    },
  })
  guarded(): void {
    this.ran.push('guarded');
  }
  @OnEvent(Thing)
  healthy(e: Thing): void {
    this.ran.push(`healthy ${e.id}`);
  }
}

describe('every invocation is isolated', () => {
  test('throws, rejections, non-Errors, timeouts and broken predicates never reach the caller or other handlers', async () => {
    const errors: HandlerErrorInfo[] = [];
    const letters: DeadLetter[] = [];
    const logger = recordingLogger();
    const bus = createEventBus({
      handlers: [Misbehaving],
      logger,
      hooks: { onError: (i) => errors.push(i), onDeadLetter: (l) => letters.push(l) },
    });
    const handler = bus.resolver.get(Misbehaving);

    const report = await bus.dispatch(new Thing(1));

    expect(handler.ran).toEqual(['healthy 1']);
    const byId = Object.fromEntries(report.outcomes.map((o) => [o.handlerId, o]));
    expect(byId['Misbehaving.syncThrow']?.error?.message).toBe('sync throw');
    expect(byId['Misbehaving.rejects']?.error?.message).toBe('async rejection');
    expect(byId['Misbehaving.throwsString']?.error).toMatchObject({
      code: 'KEB_HANDLER_THREW_NON_ERROR',
      thrown: 'a bare string',
    });
    expect(byId['Misbehaving.rejectsUndefined']?.error).toMatchObject({
      code: 'KEB_HANDLER_THREW_NON_ERROR',
      thrown: undefined,
    });
    expect(byId['Misbehaving.hangs']?.error).toMatchObject({
      code: 'KEB_HANDLER_TIMEOUT',
      timeoutMs: 20,
    });
    expect(byId['Misbehaving.guarded']?.error?.message).toBe('predicate broke');
    expect(byId['Misbehaving.healthy']?.status).toBe('succeeded');
    expect(report.failed).toHaveLength(6);

    expect(errors.map((e) => [e.handlerId, e.attempt, e.willRetry])).toEqual(
      expect.arrayContaining([
        ['Misbehaving.syncThrow', 1, false],
        ['Misbehaving.hangs', 1, false],
      ]),
    );
    expect(letters.map((l) => l.handlerId).sort()).toEqual(
      ['guarded', 'hangs', 'rejects', 'rejectsUndefined', 'syncThrow', 'throwsString'].map(
        (m) => `Misbehaving.${m}`,
      ),
    );
    expect(bus.deadLetters).toHaveLength(6);
    const errorLines = logger.lines.filter((l) => l.level === 'error');
    expect(errorLines).toHaveLength(6);
    expect(errorLines[0]?.obj).toMatchObject({
      handlerId: expect.any(String),
      eventId: report.envelope.id,
    });

    await bus.drain();
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  });

  test('a suite of throwing handlers through emit leaves the unhandledRejection counter at zero', async () => {
    const bus = createEventBus({ handlers: [Misbehaving], logger: silentLogger });
    for (let i = 0; i < 50; i++) bus.emit(new Thing(i));
    await bus.drain();
    await new Promise((r) => setImmediate(r));
    expect(bus.deadLetters).toHaveLength(300);
    expect(unhandled).toEqual([]);
  });

  test('a hook that throws is logged, not propagated', async () => {
    const logger = recordingLogger();
    const bus = createEventBus({
      handlers: [Misbehaving],
      logger,
      hooks: {
        onError: () => {
          throw new Error('hook broke');
        },
        onDispatched: async () => {
          throw new Error('async hook broke');
        },
      },
    });
    const report = await bus.dispatch(new Thing(1));
    await new Promise((r) => setImmediate(r));
    expect(report.outcome('Misbehaving.healthy')?.status).toBe('succeeded');
    expect(logger.lines.filter((l) => l.msg === 'onError hook threw')).toHaveLength(6);
    expect(logger.lines.filter((l) => l.msg === 'onDispatched hook rejected')).toHaveLength(1);
    expect(unhandled).toEqual([]);
  });

  test('dead letters are bounded by deadLetterLimit, oldest dropped', async () => {
    const bus = createEventBus({ logger: silentLogger, deadLetterLimit: 2 });
    bus.on(Thing, (e) => {
      throw new Error(`fail ${e.id}`);
    });
    for (const id of [1, 2, 3]) await bus.dispatch(new Thing(id));
    expect(bus.deadLetters.map((l) => l.error.message)).toEqual(['fail 2', 'fail 3']);
  });
});
