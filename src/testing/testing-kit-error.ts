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
export class TestingKitError extends Error {
  readonly code = 'KEB_TESTING_KIT';
  /** What to do next, in one sentence. */
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(`${message} ${hint}`);
    this.name = 'TestingKitError';
    this.hint = hint;
  }
}
