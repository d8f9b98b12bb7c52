import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IsEmail, IsString } from 'class-validator';
import type { Context } from 'koa';
import {
  Body,
  Controller,
  Ctx,
  createApp,
  type DiscardInfo,
  EventBus,
  type EventContext,
  type EventEnvelope,
  EventHandler,
  HttpCode,
  HttpError,
  OnEvent,
  Post,
  silentLogger,
} from 'koa-event-bus';
import request from 'supertest';
import { gate } from '../fixtures/gate';
import { nextTurn } from '../fixtures/next-turn';

class Registered {
  constructor(readonly email: string) {}
}
class Audited {
  constructor(readonly what: string) {}
}
class RegisterDto {
  @IsEmail() email!: string;
  @IsString() name!: string;
}

/** Shared, per-test state the controller and handlers write to. */
const state = {
  log: [] as string[],
  envelopes: [] as EventEnvelope[],
  res: undefined as http.ServerResponse | undefined,
  handlerGate: undefined as ReturnType<typeof gate> | undefined,
  controllerGate: undefined as ReturnType<typeof gate> | undefined,
  reached: undefined as ReturnType<typeof gate> | undefined,
  finishedWhenHandlerStarted: [] as boolean[],
};

@Controller('/users')
class UsersController {
  constructor(private readonly bus: EventBus) {}

  @Post('/')
  @HttpCode(201)
  async register(@Body(RegisterDto) dto: RegisterDto, @Ctx() ctx: Context) {
    state.res = ctx.res;
    this.bus.emit(new Registered(dto.email));
    this.bus.emit(new Audited('first'));
    this.bus.emit(new Audited('second'));
    state.log.push('controller returned');
    return { email: dto.email };
  }

  @Post('/conflict')
  conflict() {
    this.bus.emit(new Registered('dup@example.com'));
    throw new HttpError(409, 'Email already registered');
  }

  @Post('/crash')
  crash() {
    this.bus.emit(new Registered('crash@example.com'));
    this.bus.emit(new Audited('crash attempt'), { when: 'always' });
    throw new Error('database exploded');
  }

  @Post('/slow')
  async slow() {
    this.bus.emit(new Registered('slow@example.com'));
    state.reached?.open();
    await state.controllerGate?.opened;
    state.log.push('slow controller returned');
    return { ok: true };
  }
}

@EventHandler()
class RegistrationHandlers {
  @OnEvent(Registered)
  async welcome(e: Registered, ctx: EventContext) {
    state.finishedWhenHandlerStarted.push(state.res?.writableFinished ?? true);
    state.envelopes.push(ctx.envelope);
    state.log.push(`welcome ${e.email} start`);
    await state.handlerGate?.opened;
    state.log.push(`welcome ${e.email} end`);
  }

  @OnEvent(Registered)
  broken(): void {
    throw new Error('handler bug');
  }

  @OnEvent(Audited)
  audit(e: Audited) {
    state.log.push(`audit ${e.what}`);
  }
}

const unhandled: unknown[] = [];
const onUnhandled = (r: unknown) => unhandled.push(r);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

function makeApp(extra: Parameters<typeof createApp>[0] = {}) {
  const discards: DiscardInfo[] = [];
  const app = createApp({
    controllers: [UsersController],
    handlers: [RegistrationHandlers],
    logger: silentLogger,
    hooks: { onDiscard: (d) => discards.push(d) },
    ...extra,
  });
  return { app, discards };
}

beforeEach(() => {
  state.log = [];
  state.envelopes = [];
  state.res = undefined;
  state.handlerGate = undefined;
  state.controllerGate = undefined;
  state.reached = undefined;
  state.finishedWhenHandlerStarted = [];
});

describe('events run after the response', () => {
  test('the client has the whole response while the handler is still running', async () => {
    const { app } = makeApp();
    state.handlerGate = gate();
    await app.listen(0, '127.0.0.1');
    try {
      const res = await request(`http://127.0.0.1:${app.port()}`)
        .post('/users')
        .send({ email: 'ada@example.com', name: 'Ada' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ email: 'ada@example.com' });
      state.log.push('client has response');
      expect(state.log).toContain('controller returned');
      expect(state.log).not.toContain('welcome ada@example.com end');
      state.handlerGate.open();
      await app.bus.drain();
      expect(state.finishedWhenHandlerStarted).toEqual([true]);
      expect(state.log).toEqual([
        'controller returned',
        'welcome ada@example.com start',
        'audit first',
        'audit second',
        'client has response',
        'welcome ada@example.com end',
      ]);
    } finally {
      await app.close();
    }
  });

  test('events keep emission order and a throwing handler affects neither the response nor its peers', async () => {
    const { app } = makeApp();
    const res = await request(app.callback())
      .post('/users')
      .send({ email: 'b@example.com', name: 'B' });
    await app.bus.drain();
    expect(res.status).toBe(201);
    expect(state.log.filter((l) => l.startsWith('audit'))).toEqual(['audit first', 'audit second']);
    expect(state.log).toContain('welcome b@example.com end');
    expect(app.bus.deadLetters.map((d) => d.handlerId)).toEqual(['RegistrationHandlers.broken']);
    expect(unhandled).toEqual([]);
  });

  test('correlation: x-request-id is put on every envelope and echoed; one is generated when absent or unsafe', async () => {
    const { app } = makeApp();
    const given = await request(app.callback())
      .post('/users')
      .set('x-request-id', 'req-123')
      .send({ email: 'c@example.com', name: 'C' });
    await app.bus.drain();
    expect(given.headers['x-request-id']).toBe('req-123');
    expect(state.envelopes[0]?.correlationId).toBe('req-123');

    const generated = await request(app.callback())
      .post('/users')
      .send({ email: 'd@example.com', name: 'D' });
    const unsafe = await request(app.callback())
      .post('/users')
      .set('x-request-id', 'a b\u00e9<script>')
      .send({ email: 'e@example.com', name: 'E' });
    await app.bus.drain();
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(state.envelopes[1]?.correlationId).toBe(generated.headers['x-request-id']);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('failed requests discard their events', () => {
  test('4xx from an HttpError: nothing runs; the discard says why', async () => {
    const { app, discards } = makeApp();
    const res = await request(app.callback()).post('/users/conflict');
    await app.bus.drain();
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'KEB_HTTP_ERROR',
      message: 'Email already registered',
    });
    expect(state.log).toEqual([]);
    expect(discards).toHaveLength(1);
    expect(discards[0]?.reason).toMatchObject({ kind: 'http-error', status: 409 });
    expect(discards[0]?.envelopes.map((e) => e.name)).toEqual(['Registered']);
  });

  test("5xx from an unknown error: discarded, except `when: 'always'` events", async () => {
    const { app, discards } = makeApp();
    const res = await request(app.callback()).post('/users/crash');
    await app.bus.drain();
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: {
        code: 'KEB_INTERNAL_ERROR',
        message: 'Internal Server Error',
        requestId: expect.any(String),
      },
    });
    expect(state.log).toEqual(['audit crash attempt']);
    expect(discards[0]?.reason).toMatchObject({
      kind: 'http-error',
      status: 500,
      error: { message: 'database exploded' },
    });
  });

  test('invalid input: 400 with field details and no event', async () => {
    const { app, discards } = makeApp();
    const res = await request(app.callback())
      .post('/users')
      .send({ email: 'not-an-email', name: 'X', admin: true });
    await app.bus.drain();
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('KEB_VALIDATION_FAILED');
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'email', constraints: { isEmail: 'email must be an email' } },
        { field: 'admin', constraints: { whitelistValidation: 'property admin should not exist' } },
      ]),
    );
    expect(state.log).toEqual([]);
    expect(discards).toEqual([]);
  });

  test('a commitWhen policy overrides the default', async () => {
    const { app } = makeApp({ commitWhen: (_ctx, outcome) => outcome.status === 409 });
    await request(app.callback()).post('/users/conflict');
    await app.bus.drain();
    expect(state.log).toEqual(['welcome dup@example.com start', 'welcome dup@example.com end']);
  });
});

describe('client abort', () => {
  test('a client that disconnects after the controller succeeded still gets its events committed', async () => {
    const { app, discards } = makeApp();
    state.reached = gate();
    state.controllerGate = gate();
    await app.listen(0, '127.0.0.1');
    try {
      const { port } = app.server!.address() as AddressInfo;
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/users/slow' });
      req.on('error', () => {}); // the abort below is expected
      req.end();
      await state.reached.opened;
      req.destroy(); // client gives up while the controller is still working
      await nextTurn();
      state.controllerGate.open();
      await app.bus.drain();
      expect(state.log).toEqual([
        'slow controller returned',
        'welcome slow@example.com start',
        'welcome slow@example.com end',
      ]);
      expect(discards).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('close()', () => {
  test('stops accepting, lets the open request finish, and drains its events', async () => {
    const { app } = makeApp();
    state.reached = gate();
    state.controllerGate = gate();
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${app.port()}`;
    const inFlight = request(base).post('/users/slow');
    const response = inFlight.then((r) => r);
    await state.reached.opened;
    const closing = app.close(5_000);
    state.controllerGate.open();
    const [res, report] = await Promise.all([response, closing]);
    expect(res.status).toBe(200);
    expect(report).toMatchObject({ drained: true, connectionsForced: false, discarded: [] });
    expect(state.log).toEqual([
      'slow controller returned',
      'welcome slow@example.com start',
      'welcome slow@example.com end',
    ]);
    await expect(request(base).post('/users/slow')).rejects.toThrow();
  });

  test('a full bus answers 503 with Retry-After, not 500', async () => {
    const { app } = makeApp({ maxInFlight: 1 });
    const res = await request(app.callback())
      .post('/users')
      .send({ email: 'f@example.com', name: 'F' });
    await app.bus.drain();
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.error.code).toBe('KEB_BUS_OVERFLOW');
  });
});

describe('handleSignals', () => {
  test('SIGTERM closes the app once and drains the bus', async () => {
    const { app } = makeApp({ handleSignals: true });
    await app.listen(0, '127.0.0.1');
    await request(app.callback())
      .post('/users')
      .send({ email: 'sig@example.com', name: 'Sig' })
      .expect(201);
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    process.emit('SIGTERM', 'SIGTERM');
    const report = await app.close();
    expect(report.drained).toBe(true);
    expect(app.server?.listening).toBe(false);
    expect(state.log).toContain('welcome sig@example.com end');
    // both listeners are gone: a second signal gets Node's default behaviour
    expect(process.listenerCount('SIGTERM')).toBe(before.term - 1);
    expect(process.listenerCount('SIGINT')).toBe(before.int - 1);
  });
});
