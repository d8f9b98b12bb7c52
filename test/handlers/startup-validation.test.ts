import {
  createEventBus,
  EventHandler,
  isKoaEventBusError,
  OnEvent,
  silentLogger,
} from 'koa-event-bus';

class Happened {
  constructor(readonly id: string) {}
}

function startupError(fn: () => unknown): Error & { code: string; hint: string } {
  try {
    fn();
  } catch (err) {
    if (isKoaEventBusError(err)) return err as Error & { code: string; hint: string };
    throw err;
  }
  throw new Error('expected a startup error');
}

describe('startup validation', () => {
  test('duplicate handler ids fail with both owners named', () => {
    @EventHandler()
    class A {
      @OnEvent(Happened, { id: 'audit' })
      one() {}
    }
    @EventHandler()
    class B {
      @OnEvent(Happened, { id: 'audit' })
      two() {}
    }
    const err = startupError(() => createEventBus({ handlers: [A, B] }));
    expect(err.code).toBe('KEB_DUPLICATE_HANDLER_ID');
    expect(err.message).toContain('"audit" is used more than once (A.one, B.two)');
    expect(err.hint).toContain('explicit id');
  });

  test('two classes with the same name (two modules) fail with KEB_DUPLICATE_HANDLER_ID', () => {
    // What two files each exporting `class Mailer` look like to the bus.
    const moduleClass = () => {
      @EventHandler()
      class Mailer {
        @OnEvent(Happened)
        send() {}
      }
      return Mailer;
    };
    const err = startupError(() => createEventBus({ handlers: [moduleClass(), moduleClass()] }));
    expect(err.code).toBe('KEB_DUPLICATE_HANDLER_ID');
    expect(err.message).toContain('"Mailer.send" is used more than once');
    expect(err.message).toContain('two different classes with the same name');
  });

  test('identical explicit ids across classes fail, whatever order they are registered in', () => {
    @EventHandler()
    class First {
      @OnEvent(Happened, { id: 'notify' })
      a() {}
    }
    @EventHandler()
    class Second {
      @OnEvent(Happened, { id: 'notify' })
      b() {}
    }
    for (const handlers of [
      [First, Second],
      [Second, First],
    ])
      expect(startupError(() => createEventBus({ handlers })).code).toBe(
        'KEB_DUPLICATE_HANDLER_ID',
      );
  });

  test('a handler class and a bus.on() listener cannot share an id', () => {
    @EventHandler()
    class Owner {
      @OnEvent(Happened, { id: 'shared' })
      a() {}
    }
    const bus = createEventBus({ handlers: [Owner] });
    expect(() => bus.on(Happened, () => {}, { id: 'shared' })).toThrow(
      expect.objectContaining({ code: 'KEB_DUPLICATE_HANDLER_ID' }),
    );
  });

  test('one method subscribed to several events keeps one id', () => {
    class Other {}
    @EventHandler()
    class Multi {
      @OnEvent([Happened, Other])
      any() {}
    }
    const bus = createEventBus({ handlers: [Multi], logger: silentLogger });
    expect(bus.describe().map((d) => [d.event, d.handlers.map((h) => h.id)])).toEqual([
      ['Happened', ['Multi.any']],
      ['Other', ['Multi.any']],
    ]);
  });

  test('@OnEvent without @EventHandler names the class and the fix', () => {
    class Forgot {
      @OnEvent(Happened)
      handle() {}
    }
    const err = startupError(() => createEventBus({ handlers: [Forgot] }));
    expect(err.code).toBe('KEB_MISSING_EVENT_HANDLER_DECORATOR');
    expect(err.message).toContain('Forgot');
  });

  test('a class with no handler metadata at all', () => {
    class Plain {}
    expect(startupError(() => createEventBus({ handlers: [Plain] })).code).toBe(
      'KEB_NOT_A_HANDLER_CLASS',
    );
    @EventHandler()
    class Empty {}
    expect(startupError(() => createEventBus({ handlers: [Empty] })).code).toBe(
      'KEB_NOT_A_HANDLER_CLASS',
    );
  });

  test.each([
    [{ retry: { attempts: 0 } }, 'retry.attempts must be an integer >= 1'],
    [{ retry: { attempts: 2, backoffMs: -1 } }, 'retry.backoffMs must be >= 0'],
    [{ retry: { attempts: 2, jitter: 2 } }, 'retry.jitter must be a boolean or a fraction'],
    [{ timeoutMs: 0 }, 'timeoutMs must be a positive number'],
    [{ order: Number.NaN }, 'order must be a finite number'],
  ])('invalid options %j fail with KEB_INVALID_HANDLER_OPTIONS', (options, message) => {
    const bus = createEventBus({ logger: silentLogger });
    const err = startupError(() => bus.on(Happened, () => {}, options));
    expect(err.code).toBe('KEB_INVALID_HANDLER_OPTIONS');
    expect(err.message).toContain(message);
  });

  test('subclass handlers inherit @OnEvent methods and may override them', async () => {
    const log: string[] = [];
    @EventHandler()
    class Base {
      @OnEvent(Happened)
      a(e: Happened) {
        log.push(`base a ${e.id}`);
      }
      @OnEvent(Happened)
      b(e: Happened) {
        log.push(`base b ${e.id}`);
      }
    }
    @EventHandler()
    class Derived extends Base {
      @OnEvent(Happened)
      override b(e: Happened) {
        log.push(`derived b ${e.id}`);
      }
    }
    const bus = createEventBus({ handlers: [Derived], logger: silentLogger });
    await bus.dispatch(new Happened('1'));
    expect(log.sort()).toEqual(['base a 1', 'derived b 1']);
  });
});

describe('reflect-metadata', () => {
  test('koa-event-bus loads it itself; if something removes it, decorators say exactly what to import', () => {
    const saved = Reflect.getMetadata;
    // Simulate a bundle that dropped the polyfill.
    (Reflect as { getMetadata?: unknown }).getMetadata = undefined;
    try {
      expect(() => EventHandler()(class Orphan {})).toThrow(
        expect.objectContaining({
          code: 'KEB_REFLECT_METADATA_MISSING',
          message: expect.stringContaining("import 'reflect-metadata';"),
        }),
      );
    } finally {
      Reflect.getMetadata = saved;
    }
  });
});
