import { createEventBus, Event, EventHandler, type Logger, OnEvent } from 'koa-event-bus';

// Issue 12 (optional part): when a bus starts, the event → handlers table is
// logged once at debug level (the console logger drops debug; a real logger
// shows it when asked), with the same rows as bus.describe(), in its order
// (registration order; `order` sorts at dispatch).

@Event('user.registered')
class UserRegistered {
  constructor(readonly email: string) {}
}
@Event('order.placed')
class OrderPlaced {}

@EventHandler()
class Mailer {
  @OnEvent(UserRegistered, { id: 'welcome', retry: { attempts: 3, backoffMs: 10 } })
  welcome(_e: UserRegistered): void {}
}
@EventHandler()
class Audit {
  @OnEvent(UserRegistered, { order: -1 })
  registered(_e: UserRegistered): void {}
  @OnEvent(OrderPlaced)
  placed(_e: OrderPlaced): void {}
}

function recordingLogger() {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines };
}

test('the wiring is logged once at debug level, with the rows of describe()', async () => {
  const { logger, lines } = recordingLogger();
  const bus = createEventBus({ handlers: [Mailer, Audit], logger });
  const debug = lines.filter((l) => l.level === 'debug');
  expect(debug).toHaveLength(1);
  expect(debug[0]!.msg).toBe(
    'wired 3 handler(s) for 2 event(s): user.registered → welcome, Audit.registered; order.placed → Audit.placed',
  );
  expect(debug[0]!.obj).toEqual({ events: bus.describe() });
  expect(lines.filter((l) => l.level !== 'debug')).toEqual([]);
  await bus.close();
});

test('a bus without handlers says so', async () => {
  const { logger, lines } = recordingLogger();
  const bus = createEventBus({ logger });
  expect(lines).toEqual([
    { level: 'debug', obj: { events: [] }, msg: 'wired 0 handler(s) for 0 event(s)' },
  ]);
  await bus.close();
});
