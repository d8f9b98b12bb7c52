import type { Class, EventEnvelope } from '../index';
import {
  describeEnvelope,
  describeOutcome,
  emittedSection,
  numbered,
  outcomesSection,
} from './describe-recording';
import { isOf, isTarget, type OutcomeTarget } from './event-queries';
import {
  checkEventClass,
  hint,
  type MatcherContextLike,
  type MatcherOutcome,
  viewOf,
} from './matcher-context';
import type { RecordedView } from './recorded';

/**
 * The matchers, for `expect.extend(eventBusMatchers)` (Jest, Vitest). Most
 * users call `registerMatchers()` or use the `jest-setup` entry instead.
 *
 * @example
 * ```ts
 * import { eventBusMatchers } from 'koa-event-bus/testing';
 * expect.extend(eventBusMatchers);
 * ```
 */
export const eventBusMatchers = {
  toHaveEmitted(
    this: MatcherContextLike,
    received: unknown,
    eventClass: Class<object>,
    partial?: object,
  ): MatcherOutcome {
    const view = viewOf(this, 'toHaveEmitted', received);
    checkEventClass(this, 'toHaveEmitted', eventClass);
    const matching = matchingEnvelopes(this, view, eventClass, partial);
    const wanted = describeWanted(this, eventClass, partial);
    return {
      pass: matching.length > 0,
      message: () =>
        [
          hint(this, 'toHaveEmitted', partial === undefined ? 'EventClass' : 'EventClass, partial'),
          '',
          this.isNot
            ? `Expected: no ${wanted}\n${numbered('Received', lines(this, view, matching))}`
            : `Expected: ${wanted}\n${sameClassLine(this, view, eventClass, partial)}`,
          '',
          emittedSection(view, this.utils.stringify),
        ].join('\n'),
    };
  },

  toHaveEmittedTimes(
    this: MatcherContextLike,
    received: unknown,
    eventClass: Class<object>,
    times: number,
    partial?: object,
  ): MatcherOutcome {
    const view = viewOf(this, 'toHaveEmittedTimes', received);
    checkEventClass(this, 'toHaveEmittedTimes', eventClass);
    if (!Number.isInteger(times) || times < 0) {
      throw new TypeError(
        `${hint(this, 'toHaveEmittedTimes', 'EventClass, times')}\n\ntimes must be a non-negative integer, got ${this.utils.stringify(times)}`,
      );
    }
    const matching = matchingEnvelopes(this, view, eventClass, partial);
    const wanted = describeWanted(this, eventClass, partial);
    return {
      pass: matching.length === times,
      message: () =>
        [
          hint(this, 'toHaveEmittedTimes', 'EventClass, times'),
          '',
          `Expected: ${this.isNot ? 'not ' : ''}${times} × ${wanted}`,
          `Received: ${matching.length}`,
          '',
          emittedSection(view, this.utils.stringify),
        ].join('\n'),
    };
  },

  toHaveHandled(
    this: MatcherContextLike,
    received: unknown,
    target: OutcomeTarget,
  ): MatcherOutcome {
    return outcomeMatcher(this, 'toHaveHandled', received, target, 'succeeded');
  },

  toHaveFailed(this: MatcherContextLike, received: unknown, target: OutcomeTarget): MatcherOutcome {
    return outcomeMatcher(this, 'toHaveFailed', received, target, 'failed');
  },
};

function outcomeMatcher(
  ctx: MatcherContextLike,
  name: string,
  received: unknown,
  target: OutcomeTarget,
  status: 'succeeded' | 'failed',
): MatcherOutcome {
  const view = viewOf(ctx, name, received);
  if (typeof target !== 'string' && typeof target !== 'function') {
    throw new TypeError(
      `${hint(ctx, name, 'target')}\n\nThe target must be a handler id (string) or an event class, got ${ctx.utils.stringify(target)}`,
    );
  }
  const matching = view.outcomes.filter((o) => o.status === status && isTarget(o, target));
  const what = status === 'succeeded' ? 'successful invocation' : 'failed invocation';
  const of = typeof target === 'string' ? `of ${target}` : `of a handler for ${target.name}`;
  return {
    pass: matching.length > 0,
    message: () =>
      [
        hint(ctx, name, typeof target === 'string' ? 'handlerId' : 'EventClass'),
        '',
        ctx.isNot
          ? `Expected: no ${what} ${of}\n${numbered('Received', matching.map(describeOutcome))}`
          : `Expected: a ${what} ${of}\nReceived: none`,
        '',
        outcomesSection(view),
        emittedSection(view, ctx.utils.stringify),
      ].join('\n'),
  };
}

function matchingEnvelopes(
  ctx: MatcherContextLike,
  view: RecordedView,
  eventClass: Class<object>,
  partial: object | undefined,
): EventEnvelope[] {
  return view.envelopes.filter(
    (e) => isOf(e.event, eventClass) && (partial === undefined || contains(ctx, e.event, partial)),
  );
}

/** Every own key of `partial` equals (Jest equality, asymmetric matchers allowed) the event's. */
function contains(ctx: MatcherContextLike, event: unknown, partial: object): boolean {
  return Object.keys(partial).every((k) =>
    ctx.equals((event as Record<string, unknown>)[k], (partial as Record<string, unknown>)[k]),
  );
}

function describeWanted(
  ctx: MatcherContextLike,
  eventClass: Class<object>,
  partial: object | undefined,
): string {
  return partial === undefined
    ? eventClass.name
    : `${eventClass.name} matching ${ctx.utils.stringify(partial)}`;
}

function sameClassLine(
  ctx: MatcherContextLike,
  view: RecordedView,
  eventClass: Class<object>,
  partial: object | undefined,
): string {
  const same = view.envelopes.filter((e) => isOf(e.event, eventClass));
  if (same.length === 0) return `Received: no ${eventClass.name}`;
  if (partial === undefined) return 'Received: none'; // unreachable: any would have matched
  return numbered(`Received: ${eventClass.name}, none matching`, lines(ctx, view, same));
}

function lines(ctx: MatcherContextLike, view: RecordedView, envelopes: EventEnvelope[]): string[] {
  return envelopes.map((e) => describeEnvelope(e, view, ctx.utils.stringify));
}
