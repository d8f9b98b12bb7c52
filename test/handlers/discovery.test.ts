import * as path from 'node:path';
import { createEventBus, discoverHandlers, silentLogger } from 'koa-event-bus';
import { Greeted, GreetingHandler, greetings } from '../fixtures/discover/greeting.handler';
import { FarewellHandler } from '../fixtures/discover/nested/farewell.handler';

const fixtures = path.join(__dirname, '..', 'fixtures');

describe('file discovery', () => {
  test('imports matching files and collects exported handler classes only, in path order', () => {
    expect(discoverHandlers(['discover/**/*.handler.ts'], { cwd: fixtures })).toEqual([
      GreetingHandler,
      FarewellHandler,
    ]);
  });

  test('createEventBus({ discover }) wires discovered handlers', async () => {
    greetings.length = 0;
    const bus = createEventBus({
      discover: ['discover/**/*.handler.ts'],
      discoverCwd: fixtures,
      logger: silentLogger,
    });
    await bus.dispatch(new Greeted('ada'));
    expect(greetings).toEqual(['hello ada', 'bye ada']);
  });

  test('a class found both in `handlers` and by discovery is registered once', () => {
    const bus = createEventBus({
      handlers: [GreetingHandler],
      discover: ['discover/*.handler.ts'],
      discoverCwd: fixtures,
      logger: silentLogger,
    });
    expect(bus.describe()[0]?.handlers.map((h) => h.id)).toEqual(['GreetingHandler.greet']);
  });

  test('a file that fails to load is reported with KEB_DISCOVERY_FAILED and the file name', () => {
    expect(() => discoverHandlers(['discover-broken/*.ts'], { cwd: fixtures })).toThrow(
      expect.objectContaining({
        code: 'KEB_DISCOVERY_FAILED',
        message: expect.stringContaining('broken.handler.ts: Error: this module fails to load'),
      }),
    );
  });

  test('a discovered class with @OnEvent but no @EventHandler fails startup clearly', () => {
    expect(() =>
      createEventBus({ discover: ['discover-undecorated/*.ts'], discoverCwd: fixtures }),
    ).toThrow(
      expect.objectContaining({
        code: 'KEB_MISSING_EVENT_HANDLER_DECORATOR',
        message: expect.stringContaining(
          'Add @EventHandler() above `class ForgotTheClassDecorator`',
        ),
      }),
    );
  });

  test('no match is not an error', () => {
    expect(discoverHandlers(['nothing-here/**/*.ts'], { cwd: fixtures })).toEqual([]);
  });
});
