/** True for promises and promise-likes (what user code may return from a handler or hook). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * When user code handed back a promise-like where none was expected (a hook,
 * a logger, `when`, `shouldRetry`), attaches `onRejected` so its rejection is
 * never unhandled, and returns true. The fulfilment handler is a no-op, not
 * `undefined`: the derived promise must not adopt the value (its `then` may
 * throw too). Reading and calling `then` may throw: call it inside a guard.
 */
export function catchRejection(value: unknown, onRejected: (err: unknown) => void): boolean {
  if (!isThenable(value)) return false;
  value.then(noop, onRejected);
  return true;
}

function noop(): void {}
