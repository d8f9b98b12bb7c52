import { testApp } from 'koa-event-bus/testing';
import { createUsersApp } from './app';
import { UserRegistered, WelcomeEmailSent } from './events';
import { Mailer } from './mailer';

// The controller by the events it emits: fake() records events without running
// their handlers, so this test is about the HTTP contract only.
describe('UsersController', () => {
  test('POST /users answers 201 and emits UserRegistered', async () => {
    await using t = testApp.fromFactory(createUsersApp).fake();

    const res = await t.post('/users', { email: 'Ada@Example.com', name: 'Ada' });

    expect(res.status).toBe(201);
    expect(res.json<{ id: string }>().id).toEqual(expect.any(String));
    expect(res).toHaveEmitted(UserRegistered, { email: 'ada@example.com', name: 'Ada' });
    expect(res).toHaveEmittedTimes(UserRegistered, 1);
    expect(res.emitted(UserRegistered)[0]?.userId).toBe(res.json<{ id: string }>().id);
    expect(res).not.toHaveEmitted(WelcomeEmailSent); // faked: SendWelcomeEmail did not run
  });

  test('a duplicate email is a 409 and emits nothing', async () => {
    await using t = testApp.fromFactory(createUsersApp).fake();
    await t.post('/users', { email: 'bob@example.com', name: 'Bob' });

    const dup = await t.post('/users', { email: 'bob@example.com', name: 'Bobby' });

    expect(dup.status).toBe(409);
    expect(dup).not.toHaveEmitted(UserRegistered);
  });

  test('invalid input is a 400 listing each field, and emits nothing', async () => {
    await using t = testApp.fromFactory(createUsersApp).fake();

    const res = await t.post('/users', { email: 'nope', name: 'X', isAdmin: true });

    expect(res.status).toBe(400);
    expect(res.json<{ error: { details: unknown } }>().error.details).toEqual(
      expect.arrayContaining([
        { field: 'email', constraints: { isEmail: 'email must be an email' } },
        {
          field: 'isAdmin',
          constraints: { whitelistValidation: 'property isAdmin should not exist' },
        },
      ]),
    );
    expect(res).not.toHaveEmitted(UserRegistered);
  });

  test('a controller test can still inject fakes', async () => {
    const mailer = new Mailer();
    await using t = testApp.fromFactory(createUsersApp, { providers: [[Mailer, mailer]] });

    await t.post('/users', { email: 'cy@example.com', name: 'Cy' });

    expect(mailer.sent).toEqual([{ to: 'cy@example.com', subject: 'Welcome, Cy!' }]);
  });
});
