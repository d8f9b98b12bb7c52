import { ManualClock, testApp } from 'koa-event-bus/testing';
import { createUsersApp } from './app';
import { AuditLog } from './audit-log';
import { UserRegistered, WelcomeEmailSent } from './events';
import { Mailer } from './mailer';

// The whole app, end to end: real HTTP on an ephemeral port, real handlers.
// Each response resolves after the dispatch its request triggered has settled.
function setup() {
  const mailer = new Mailer();
  // A ManualClock makes retry backoff take no real time.
  const t = testApp.fromFactory(createUsersApp, {
    providers: [[Mailer, mailer]],
    clock: new ManualClock(),
  });
  return { t, mailer, audit: t.bus.resolver.get(AuditLog) };
}

describe('examples/users end to end', () => {
  test('register → 201; then welcome email, audit lines and counters', async () => {
    const { t, mailer, audit } = setup();
    await using _ = t;

    const res = await t.post(
      '/users',
      { email: 'Ada@Example.com', name: 'Ada' },
      { headers: { 'x-request-id': 'req-1' } },
    );

    expect(res.status).toBe(201);
    expect(res.json()).toEqual({ id: expect.any(String), email: 'ada@example.com', name: 'Ada' });
    expect(res).toHaveHandled('SendWelcomeEmail.send');
    expect(res).toHaveEmitted(WelcomeEmailSent, { email: 'ada@example.com' });
    expect(res.envelopes(WelcomeEmailSent)[0]?.causationId).toBe(
      res.envelopes(UserRegistered)[0]?.id,
    );
    expect(mailer.sent).toEqual([{ to: 'ada@example.com', subject: 'Welcome, Ada!' }]);
    expect(audit.lines).toEqual([
      'user.registered ada@example.com [req-1]',
      'user.welcome-email-sent ada@example.com [req-1]',
    ]);
    expect((await t.get('/stats')).json()).toEqual({ registered: 1, welcomeEmailsSent: 1 });
  });

  test('a duplicate is a 409: its UserRegistered never existed, nothing ran', async () => {
    const { t, mailer } = setup();
    await using _ = t;
    await t.post('/users', { email: 'bob@example.com', name: 'Bob' });

    const dup = await t.post('/users', { email: 'BOB@example.com', name: 'Bobby' });

    expect(dup.status).toBe(409);
    expect(dup.json()).toEqual({
      error: {
        code: 'KEB_HTTP_ERROR',
        message: 'bob@example.com is already registered',
        requestId: expect.any(String),
      },
    });
    expect(dup).not.toHaveEmitted(UserRegistered);
    expect(mailer.sent).toHaveLength(1);
  });

  test('a flaky mailer is retried; the follow-up is emitted once it succeeds', async () => {
    const { t, mailer } = setup();
    await using _ = t;
    mailer.failFirstAttempts = 2;

    const res = await t.post('/users', { email: 'cy@example.com', name: 'Cy' });

    expect(res.outcomes('SendWelcomeEmail.send')).toEqual([
      expect.objectContaining({ status: 'succeeded', attempts: 3 }),
    ]);
    expect(res).toHaveEmitted(WelcomeEmailSent);
    expect((await t.get('/stats')).json()).toEqual({ registered: 1, welcomeEmailsSent: 1 });
  });

  test('a mailer that keeps failing is dead-lettered; no follow-up', async () => {
    const { t, mailer } = setup();
    await using _ = t;
    mailer.failFirstAttempts = 99;

    const res = await t.post('/users', { email: 'dee@example.com', name: 'Dee' });

    expect(res).toHaveFailed('SendWelcomeEmail.send');
    expect(res).not.toHaveEmitted(WelcomeEmailSent);
    expect(t.bus.deadLetters.map((l) => [l.handlerId, l.attempts])).toEqual([
      ['SendWelcomeEmail.send', 3],
    ]);
  });

  test('an unknown user is a 404 in the common error shape', async () => {
    const { t } = setup();
    await using _ = t;
    const res = await t.get('/users/nope');
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({
      error: { code: 'KEB_HTTP_ERROR', message: 'No user nope' },
    });
  });
});
