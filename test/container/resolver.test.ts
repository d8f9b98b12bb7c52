import 'reflect-metadata';
import {
  ConstructorResolver,
  createEventBus,
  EventBus,
  EventHandler,
  Inject,
  Injectable,
  OnEvent,
  silentLogger,
} from 'koa-event-bus';
import { container, injectable, singleton } from 'tsyringe';

class UserRegistered {
  constructor(readonly email: string) {}
}

@Injectable()
class Mailer {
  sent: string[] = [];
  welcome(email: string) {
    this.sent.push(email);
  }
}

@Injectable()
class Templates {
  constructor(readonly mailer: Mailer) {}
}

const CLOCK = Symbol('clock');

@EventHandler()
class SendWelcome {
  constructor(
    readonly mailer: Mailer,
    readonly templates: Templates,
    readonly bus: EventBus,
    @Inject(CLOCK) readonly clock: () => string,
  ) {}
  @OnEvent(UserRegistered)
  send(e: UserRegistered) {
    this.mailer.welcome(`${e.email} at ${this.clock()}`);
  }
}

describe('constructor injection', () => {
  test('builds the graph once per bus, injects the bus itself and token providers', async () => {
    const bus = createEventBus({
      handlers: [SendWelcome],
      providers: [[CLOCK, () => 'noon']],
      logger: silentLogger,
    });
    const handler = bus.resolver.get(SendWelcome);
    expect(handler.bus).toBe(bus);
    expect(handler.templates.mailer).toBe(handler.mailer); // one Mailer per bus
    await bus.dispatch(new UserRegistered('ada@example.com'));
    expect(handler.mailer.sent).toEqual(['ada@example.com at noon']);
  });

  test('two buses never share instances', () => {
    const a = createEventBus({
      handlers: [SendWelcome],
      providers: [[CLOCK, () => 'a']],
      logger: silentLogger,
    });
    const b = createEventBus({
      handlers: [SendWelcome],
      providers: [[CLOCK, () => 'b']],
      logger: silentLogger,
    });
    expect(a.resolver.get(SendWelcome)).not.toBe(b.resolver.get(SendWelcome));
    expect(a.resolver.get(SendWelcome).bus).toBe(a);
    expect(b.resolver.get(SendWelcome).bus).toBe(b);
  });

  test('providers: values, factories and classes', () => {
    class FakeMailer extends Mailer {}
    const r = new ConstructorResolver([
      { provide: Mailer, useClass: FakeMailer },
      { provide: 'answer', useFactory: () => 42 },
      { provide: CLOCK, useValue: () => 'now' },
    ]);
    expect(r.get(Templates).mailer).toBeInstanceOf(FakeMailer);
    expect(r.get<number>('answer')).toBe(42);
    expect(r.get<() => string>(CLOCK)()).toBe('now');
  });

  test("a user's container (tsyringe) is asked first", async () => {
    @singleton()
    class TsyringeMailer extends Mailer {}
    @injectable()
    class Notifier {
      constructor(readonly mailer: TsyringeMailer) {}
    }
    @EventHandler()
    class NotifyOnRegister {
      constructor(readonly notifier: Notifier) {}
      @OnEvent(UserRegistered)
      notify(e: UserRegistered) {
        this.notifier.mailer.welcome(e.email);
      }
    }
    const child = container.createChildContainer();
    const bus = createEventBus({
      handlers: [NotifyOnRegister],
      // tsyringe resolves what it knows; undefined lets the built-in resolver build the rest.
      resolve: (token) =>
        typeof token === 'function' && child.isRegistered(token as never, true)
          ? child.resolve(token as never)
          : undefined,
      logger: silentLogger,
    });
    child.register(Notifier, { useClass: Notifier });
    await bus.dispatch(new UserRegistered('grace@example.com'));
    expect(child.resolve(TsyringeMailer).sent).toEqual(['grace@example.com']);
  });

  test('an object with get() works as `resolve` (IocAdapter shape)', () => {
    const mailer = new Mailer();
    const r = new ConstructorResolver([], { get: (t) => (t === Mailer ? mailer : undefined) });
    expect(r.get(Templates).mailer).toBe(mailer);
  });
});

describe('resolver errors name the class and the parameter', () => {
  test('an interface-typed parameter', () => {
    interface Repo {
      find(): void;
    }
    @EventHandler()
    class NeedsRepo {
      constructor(readonly repo: Repo) {}
      @OnEvent(UserRegistered)
      h() {}
    }
    expect(() => createEventBus({ handlers: [NeedsRepo] })).toThrow(
      expect.objectContaining({
        code: 'KEB_UNRESOLVABLE_DEPENDENCY',
        className: 'NeedsRepo',
        parameterIndex: 0,
        message: expect.stringContaining(
          'Cannot resolve parameter #0 of NeedsRepo: its type was emitted as Object',
        ),
      }),
    );
  });

  test('a class without decorator metadata', () => {
    class Undecorated {
      constructor(readonly mailer: Mailer) {}
    }
    expect(() => new ConstructorResolver().get(Undecorated)).toThrow(
      expect.objectContaining({
        code: 'KEB_UNRESOLVABLE_DEPENDENCY',
        message: expect.stringContaining('Decorate Undecorated with @Injectable()'),
      }),
    );
  });

  test('an unregistered token', () => {
    @Injectable()
    class NeedsToken {
      constructor(@Inject('db') readonly db: unknown) {}
    }
    expect(() => new ConstructorResolver().get(NeedsToken)).toThrow(
      expect.objectContaining({
        code: 'KEB_UNRESOLVABLE_DEPENDENCY',
        message: expect.stringContaining('nothing is registered for token db'),
      }),
    );
  });

  test('a cycle', () => {
    @Injectable()
    class A {
      constructor(@Inject('B') readonly b: unknown) {}
    }
    @Injectable()
    class B {
      constructor(readonly a: A) {}
    }
    const r = new ConstructorResolver([{ provide: 'B', useClass: B }]);
    expect(() => r.get(A)).toThrow(
      expect.objectContaining({
        code: 'KEB_CIRCULAR_DEPENDENCY',
        message: expect.stringContaining('A -> B -> A'),
      }),
    );
  });
});
