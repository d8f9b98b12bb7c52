import 'reflect-metadata';
import { type DiscardInfo, silentLogger } from 'koa-event-bus';
import request from 'supertest';
import { createUsersApp } from './app';
import { AuditLog } from './audit-log';
import { Mailer } from './mailer';
import { Stats } from './stats';

function setup() {
  const mailer = new Mailer();
  const discards: DiscardInfo[] = [];
  const app = createUsersApp({
    providers: [[Mailer, mailer]],
    logger: silentLogger,
    hooks: { onDiscard: (d) => discards.push(d) },
  });
  return { app, mailer, discards, http: request(app.callback()) };
}

describe('examples/users', () => {
  test('register → 201 now; welcome email, audit lines and counters after the response', async () => {
    const { app, mailer, http } = setup();
    const res = await http
      .post('/users')
      .set('x-request-id', 'req-1')
      .send({ email: 'Ada@Example.com', name: 'Ada' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), email: 'ada@example.com', name: 'Ada' });

    await app.bus.drain();
    expect(mailer.sent).toEqual([{ to: 'ada@example.com', subject: 'Welcome, Ada!' }]);
    expect(app.bus.resolver.get(AuditLog).lines).toEqual([
      'user.registered ada@example.com [req-1]',
      'user.welcome-email-sent ada@example.com [req-1]',
    ]);
    expect((await http.get('/stats')).body).toEqual({ registered: 1, welcomeEmailsSent: 1 });
    expect((await http.get(`/users/${res.body.id}`)).body.email).toBe('ada@example.com');
  });

  test('a duplicate email is a 409 and emits nothing', async () => {
    const { app, mailer, http } = setup();
    await http.post('/users').send({ email: 'bob@example.com', name: 'Bob' }).expect(201);
    await app.bus.drain();
    const dup = await http.post('/users').send({ email: 'BOB@example.com', name: 'Bobby' });
    await app.bus.drain();
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({
      code: 'KEB_HTTP_ERROR',
      message: 'bob@example.com is already registered',
    });
    expect(mailer.sent).toHaveLength(1);
    expect(app.bus.resolver.get(Stats).registered).toBe(1);
  });

  test('invalid input is a 400 listing each field; nothing is emitted', async () => {
    const { app, mailer, http, discards } = setup();
    const res = await http.post('/users').send({ email: 'nope', name: '', isAdmin: true });
    await app.bus.drain();
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'email', constraints: { isEmail: 'email must be an email' } },
        {
          field: 'name',
          constraints: { isLength: 'name must be longer than or equal to 1 characters' },
        },
        {
          field: 'isAdmin',
          constraints: { whitelistValidation: 'property isAdmin should not exist' },
        },
      ]),
    );
    expect(mailer.sent).toEqual([]);
    expect(discards).toEqual([]);
  });

  test('a flaky mailer is retried; the follow-up event is emitted once it succeeds', async () => {
    const { app, mailer, http } = setup();
    mailer.failFirstAttempts = 2;
    await http.post('/users').send({ email: 'cy@example.com', name: 'Cy' }).expect(201);
    await app.bus.drain();
    expect(mailer.sent).toEqual([{ to: 'cy@example.com', subject: 'Welcome, Cy!' }]);
    expect(app.bus.resolver.get(Stats)).toMatchObject({ registered: 1, welcomeEmailsSent: 1 });
    expect(app.bus.deadLetters).toEqual([]);
  });

  test('a mailer that keeps failing is dead-lettered and no follow-up is emitted', async () => {
    const { app, mailer, http } = setup();
    mailer.failFirstAttempts = 99;
    await http.post('/users').send({ email: 'dee@example.com', name: 'Dee' }).expect(201);
    await app.bus.drain();
    expect(app.bus.deadLetters.map((l) => [l.handlerId, l.attempts, l.error.message])).toEqual([
      ['SendWelcomeEmail.send', 3, 'SMTP relay busy (sending to dee@example.com)'],
    ]);
    expect(app.bus.resolver.get(Stats)).toMatchObject({ registered: 1, welcomeEmailsSent: 0 });
  });

  test('unknown user is a 404 in the common error shape', async () => {
    const { http } = setup();
    const res = await http.get('/users/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'KEB_HTTP_ERROR', message: 'No user nope' });
  });
});
