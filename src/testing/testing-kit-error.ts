import { ErrorCode, KoaEventBusError } from '../index';

/**
 * A testing-kit helper was used in a way that cannot work (a handler method
 * that does not handle the event, a runaway timer loop...). Like every
 * koa-event-bus error it has a stable `code` and a `hint`.
 *
 * @example
 * ```ts
 * await expect(h.run(new OrderPlaced('o1'))).rejects.toMatchObject({ code: 'KEB_TESTING_KIT' });
 * ```
 */
export class TestingKitError extends KoaEventBusError {
  constructor(message: string, hint: string) {
    super(ErrorCode.TestingKit, message, hint);
  }
}
