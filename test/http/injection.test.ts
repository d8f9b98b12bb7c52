import { Router } from '@koa/router';
import {
  ConstructorResolver,
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  mountControllers,
  Param,
  Post,
} from 'koa-event-bus';
import { controllerApp } from '../fixtures/controller-app';

class Clock {
  now(): string {
    return '2024-01-01T00:00:00.000Z';
  }
}

@Injectable()
class Counter {
  private n = 0;
  constructor(readonly clock: Clock) {}
  next(): { n: number; at: string } {
    this.n += 1;
    return { n: this.n, at: this.clock.now() };
  }
}

const GREETING = Symbol('greeting');
let built = 0;

@Controller('/counter')
class CounterController {
  constructor(
    private readonly counter: Counter,
    @Inject(GREETING) private readonly greeting: string,
  ) {
    built += 1;
  }

  @Post('/')
  @HttpCode(201)
  increment() {
    return this.counter.next();
  }

  @Get('/hello/:name')
  hello(@Param('name') name: string) {
    return { message: `${this.greeting}, ${name}` };
  }
}

interface Mailer {
  send(to: string): void;
}

@Controller('/mail')
class MailController {
  constructor(private readonly mailer: Mailer) {}

  @Post('/:to')
  send(@Param('to') to: string) {
    this.mailer.send(to);
  }
}

describe('constructor injection into controllers', () => {
  beforeEach(() => {
    built = 0;
  });

  it('injects services (and their dependencies) and token values; one instance per resolver', async () => {
    const resolver = new ConstructorResolver([[GREETING, 'Hello']]);
    const { http } = controllerApp([CounterController], { resolver });
    expect(built).toBe(1); // built at mount time, not per request
    expect((await http.post('/counter')).body).toEqual({ n: 1, at: '2024-01-01T00:00:00.000Z' });
    expect((await http.post('/counter')).body).toEqual({ n: 2, at: '2024-01-01T00:00:00.000Z' });
    expect((await http.get('/counter/hello/ada')).body).toEqual({ message: 'Hello, ada' });
    expect(built).toBe(1);
    expect(resolver.get(CounterController)).toBeInstanceOf(CounterController);
  });

  it('uses providers to replace a dependency', async () => {
    const fakeClock = { now: () => 'frozen' };
    const resolver = new ConstructorResolver([
      [GREETING, 'Hi'],
      [Clock, fakeClock],
    ]);
    const { http } = controllerApp([CounterController], { resolver });
    expect((await http.post('/counter')).body).toEqual({ n: 1, at: 'frozen' });
  });

  it('accepts any Resolver (a user container)', async () => {
    const sent: string[] = [];
    const controller = new MailController({ send: (to) => sent.push(to) });
    const { http } = controllerApp([MailController], {
      resolver: {
        get: <T>(token: unknown) => (token === MailController ? controller : undefined) as T,
      },
    });
    const res = await http.post('/mail/ada@example.com');
    expect(res.status).toBe(204);
    expect(sent).toEqual(['ada@example.com']);
  });

  it('fails at mount time when a dependency cannot be resolved, and registers nothing', () => {
    const router = new Router();
    let error: unknown;
    try {
      mountControllers(router, [MailController], { resolver: new ConstructorResolver() });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'KEB_UNRESOLVABLE_DEPENDENCY' });
    expect((error as Error).message).toContain('MailController');
    expect(router.stack).toHaveLength(0);
  });
});
