import { isRecorded, RECORDED, type RecordedView } from './recorded';

/**
 * The part of Jest's (or Vitest's) matcher context the matchers use, so this
 * module needs neither's types.
 */
export interface MatcherContextLike {
  readonly isNot?: boolean;
  readonly promise?: string;
  equals(a: unknown, b: unknown): boolean;
  readonly utils: {
    matcherHint(
      name: string,
      received?: string,
      expected?: string,
      options?: { isNot?: boolean; promise?: string },
    ): string;
    stringify(value: unknown): string;
  };
}

/** What a matcher returns. */
export interface MatcherOutcome {
  pass: boolean;
  message(): string;
}

/** The view of what a matcher received, or a TypeError that says what to pass instead. */
export function viewOf(ctx: MatcherContextLike, name: string, received: unknown): RecordedView {
  if (isRecorded(received)) return received[RECORDED]();
  const what = isEventBus(received)
    ? 'an EventBus, which records nothing itself: pass the TestBus that createTestBus returned (expect(t), not expect(t.bus)).'
    : `${ctx.utils.stringify(received)}, which has no recording.`;
  throw new TypeError(
    `${hint(ctx, name, 'expected')}\n\nReceived ${what} ` +
      'Pass a TestBus (createTestBus), a TestApp or TestResponse (testApp), or a HandlerHarness or HandlerRun (handlerHarness) from koa-event-bus/testing.',
  );
}

/** Duck-typed, so that a second copy of the package (or a moved module) still matches. */
function isEventBus(value: unknown): boolean {
  const bus = value as { emit?: unknown; drain?: unknown; resolver?: unknown } | null;
  return (
    typeof bus === 'object' &&
    bus !== null &&
    typeof bus.emit === 'function' &&
    typeof bus.drain === 'function' &&
    bus.resolver !== undefined
  );
}

export function checkEventClass(ctx: MatcherContextLike, name: string, eventClass: unknown): void {
  if (typeof eventClass !== 'function') {
    throw new TypeError(
      `${hint(ctx, name, 'EventClass')}\n\nThe first argument must be an event class, got ${ctx.utils.stringify(eventClass)}`,
    );
  }
}

/** `expect(received).name(expected)`, with `.not` and `.resolves` as the call had them. */
export function hint(ctx: MatcherContextLike, name: string, expected: string): string {
  return ctx.utils.matcherHint(name, 'received', expected, {
    ...(ctx.isNot ? { isNot: true } : {}),
    ...(ctx.promise ? { promise: ctx.promise } : {}),
  });
}
