// Captured at load time: a test that later installs Jest's fake timers must not
// freeze the kit's own "let promises settle" step.
const realSetImmediate = setImmediate;

/**
 * Resolves on the next macrotask turn, after every queued microtask (promise
 * continuation) has run. Not a sleep: no wall-clock time is waited for.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}
