import type { EventBus } from '../index';
import { type EventRecording, RECORDING_OF } from './event-recording';
import { TestingKitError } from './testing-kit-error';

/** The fix, word for word, in every error below. */
const FIX =
  'your factory must pass the options it receives to createApp: (options) => createApp({ ...yours, ...options })';

/** The options the kit instruments, as marked by `recording.instrument`. */
interface Marked {
  [RECORDING_OF]?: unknown;
}

/**
 * Throws a TestingKitError unless `bus` was built from options that
 * `recording.instrument` returned: its hooks feed the recording (else the
 * queries and matchers see nothing) and its dispatch filter is the kit's
 * (else `fake()` does nothing). It reads `bus.options`, the options the bus
 * was created with, so it has no side effect: no probe event, no id or clock
 * consumed.
 */
export function assertWired(bus: EventBus, recording: EventRecording): void {
  const { hooks: givenHooks, dispatchFilter } = bus.options;
  const hooks = (givenHooks as Marked | undefined)?.[RECORDING_OF] === recording;
  const filter = (dispatchFilter as Marked | undefined)?.[RECORDING_OF] === recording;
  if (hooks && filter) return;
  if (!hooks && !filter) {
    throw new TestingKitError(
      "testApp.fromFactory(factory): the app your factory returned is not built from the options the kit gave it, so the kit records none of its events (expect(...).toHaveEmitted would say 'Emitted: nothing') and fake() would not keep real handlers from running.",
      `${FIX}.`,
    );
  }
  if (!hooks) {
    throw new TestingKitError(
      "testApp.fromFactory(factory): your factory replaced options.hooks, so the app's bus does not call the kit's recording hooks and the kit would record none of its events.",
      `${FIX}; to add hooks of your own, spread the kit's in (hooks: { ...options.hooks, onError }) or pass yours in fromFactory's overrides.`,
    );
  }
  throw new TestingKitError(
    "testApp.fromFactory(factory): your factory replaced options.dispatchFilter, so the app's bus does not use the kit's filter and fake() would not keep real handlers from running.",
    `${FIX}; to filter dispatch yourself, pass dispatchFilter in fromFactory's overrides (the kit calls it).`,
  );
}
