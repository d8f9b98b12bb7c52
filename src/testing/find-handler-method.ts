import { readSubscriptions } from '../handlers/metadata';
import type { Class, EventBus } from '../index';
import { TestingKitError } from './testing-kit-error';

/**
 * The handler id of the `@OnEvent` method of `handlerClass` that `event` goes
 * to, read from the class's metadata (which methods) and the bus's wiring
 * (which id). Throws a TestingKitError naming the methods that would do.
 */
export function findHandlerMethod(
  bus: EventBus,
  handlerClass: Class,
  event: object,
  method: string | undefined,
): string {
  const records = readSubscriptions(handlerClass);
  const handles = records.filter((r) =>
    r.events.some(
      (c) =>
        c === event.constructor || (r.options.includeSubclasses === true && event instanceof c),
    ),
  );
  const eventName = event.constructor.name;
  const cls = handlerClass.name;
  const list = (rs: typeof records) => rs.map((r) => String(r.method)).join(', ') || 'none';
  const chosen = method === undefined ? handles : handles.filter((r) => r.method === method);
  if (chosen.length === 0) {
    throw new TestingKitError(
      method === undefined
        ? `${cls} has no @OnEvent method for ${eventName}; it handles ${handled(records)}.`
        : `${cls}.${method} does not handle ${eventName}.`,
      `Methods of ${cls} that handle ${eventName}: ${list(handles)}. All its @OnEvent methods: ${records
        .map((r) => `${String(r.method)}(${r.events.map((c) => c.name).join(' | ')})`)
        .join(', ')}.`,
    );
  }
  if (chosen.length > 1) {
    throw new TestingKitError(
      `Several methods of ${cls} handle ${eventName}: ${list(chosen)}.`,
      `Pass { method: '${String(chosen[0]?.method)}' } (or another of them) to run().`,
    );
  }
  const source = `${cls}.${String(chosen[0]?.method)}`;
  const id = bus
    .describe()
    .flatMap((d) => d.handlers)
    .find((h) => h.source === source)?.id;
  if (id === undefined) {
    throw new TestingKitError(
      `${source} is not wired on the harness bus.`,
      'Report this as a bug.',
    );
  }
  return id;
}

/** The event classes the methods take, each once, in declaration order. */
function handled(records: ReturnType<typeof readSubscriptions>): string {
  const names = [...new Set(records.flatMap((r) => r.events))].map((c) => c.name);
  return names.join(', ') || 'no event (it has no @OnEvent method)';
}
