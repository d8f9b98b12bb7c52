import type { SubscriptionMap } from '../handlers/subscription-map';
import type { EventDescription } from './close-report';
import type { EventNames } from './event-names';

/** The events → handlers table of `bus.describe()`. */
export function describeSubscriptions(
  subscriptions: SubscriptionMap,
  names: EventNames,
  unhandled: Iterable<Function> = [],
): EventDescription[] {
  const described: EventDescription[] = [...subscriptions.entries()].map(([cls, subs]) => {
    const { name, version } = names.ofClass(cls);
    return {
      event: name,
      version,
      handlers: subs.map((s) => ({
        id: s.id,
        source: s.source,
        order: s.order,
        attempts: s.retry.attempts,
        timeoutMs: s.timeoutMs,
        includeSubclasses: s.includeSubclasses,
      })),
    };
  });
  // Emitted with no handler subscribed (still none now): listed, with no handlers.
  for (const cls of unhandled) {
    if (subscriptions.route(cls).size > 0) continue;
    const { name, version } = names.ofClass(cls);
    described.push({ event: name, version, handlers: [] });
  }
  return described;
}
