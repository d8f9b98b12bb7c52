import { createTestBus, eventBusMatchers, registerMatchers } from 'koa-event-bus/testing';
import { UserRegistered } from './fixtures';

describe('matcher registration', () => {
  test('the jest-setup entry registers the matchers with the global expect', async () => {
    // Relative until the package maps koa-event-bus/testing/jest-setup (see the report).
    await import('../../src/testing/jest-setup');
    await using bus = createTestBus();
    bus.emit(new UserRegistered('u1', 'ada@example.com'));

    expect(bus).toHaveEmitted(UserRegistered);
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
