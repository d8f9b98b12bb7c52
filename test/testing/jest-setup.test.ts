import { createTestBus, eventBusMatchers, registerMatchers } from 'koa-event-bus/testing';
import { UserRegistered } from './fixtures';

describe('matcher registration', () => {
  test('the jest-setup entry (setupFilesAfterEnv in jest.config.js) registered the matchers', async () => {
    await import('koa-event-bus/testing/jest-setup'); // idempotent: also fine from a setup file
    await using t = createTestBus();
    t.bus.emit(new UserRegistered('u1', 'ada@example.com'));

    expect(t).toHaveEmitted(UserRegistered);
  });

  test('registerMatchers(expect) extends the expect it is given', () => {
    const extend = jest.fn();
    registerMatchers({ extend });
    expect(extend).toHaveBeenCalledWith(eventBusMatchers);
    expect(Object.keys(eventBusMatchers)).toEqual([
      'toHaveEmitted',
      'toHaveEmittedTimes',
      'toHaveHandled',
      'toHaveFailed',
    ]);
  });
});
