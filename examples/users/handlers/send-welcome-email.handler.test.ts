import { handlerHarness } from 'koa-event-bus/testing';
import { UserRegistered, WelcomeEmailSent } from '../events';
import { Mailer } from '../mailer';
import { SendWelcomeEmail } from './send-welcome-email.handler';

// A handler in isolation: one class, its dependencies replaced, no Koa, no app.
describe('SendWelcomeEmail', () => {
  test('sends the email and returns the WelcomeEmailSent follow-up', async () => {
    const mailer = new Mailer();
    await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, mailer]] });

    const run = await h.run(new UserRegistered('u1', 'ada@example.com', 'Ada'));

    expect(run.status).toBe('succeeded');
    expect(mailer.sent).toEqual([{ to: 'ada@example.com', subject: 'Welcome, Ada!' }]);
    expect(run.followUps.of(WelcomeEmailSent)).toEqual([
      new WelcomeEmailSent('u1', 'ada@example.com'),
    ]);
    expect(run).toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
  });

  test('a busy relay is retried with exponential backoff, in fake time', async () => {
    const mailer = new Mailer();
    mailer.failFirstAttempts = 2;
    await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, mailer]] });

    const run = await h.run(new UserRegistered('u2', 'bob@example.com', 'Bob'));

    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(3);
    expect(run.retryDelays).toEqual([50, 100]); // retry: { attempts: 3, backoffMs: 50, exponential }
    expect(run.errors.map((e) => e.message)).toEqual([
      'SMTP relay busy (sending to bob@example.com)',
      'SMTP relay busy (sending to bob@example.com)',
    ]);
  });

  test('after the last attempt it fails, and no follow-up is emitted', async () => {
    const mailer = new Mailer();
    mailer.failFirstAttempts = 5;
    await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, mailer]] });

    const run = await h.run(new UserRegistered('u3', 'cy@example.com', 'Cy'));

    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(3);
    expect(run.error?.message).toBe('SMTP relay busy (sending to cy@example.com)');
    expect(run).not.toHaveEmitted(WelcomeEmailSent);
  });

  test("retries: 'bypass' checks a single attempt", async () => {
    const mailer = new Mailer();
    mailer.failFirstAttempts = 1;
    await using h = handlerHarness(SendWelcomeEmail, {
      providers: [[Mailer, mailer]],
      retries: 'bypass',
    });

    const run = await h.run(new UserRegistered('u4', 'dee@example.com', 'Dee'));

    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(1);
  });
});
