import type { EventBus } from '../../bus/event-bus';
import { buildSubscriptions } from '../../handlers/build-subscriptions';
import type { Class } from '../../kernel/class';
import { idleResolver } from './idle-resolver';
import { sourceFileOf } from './source-file-of';

/** One line of `koa-event-bus list`: an event and one of its handlers (or none). */
export interface HandlerRow {
  /** The event's wire name (`@Event('…')`, by default the class name). */
  readonly event: string;
  readonly version: number;
  /** The handler id, or `null` for an event with no handler. */
  readonly handler: string | null;
  readonly order: number | null;
  /** Attempts, the first included (1 = no retry). */
  readonly attempts: number | null;
  readonly timeoutMs: number | null;
  readonly includeSubclasses: boolean;
  /** The `when` predicate's source, or `null` when the handler has none. */
  readonly when: string | null;
  /** The file that exports the handler class (relative to the working directory), when known. */
  readonly file: string | null;
}

/**
 * The bus's own table (`bus.describe()`, with the bus defaults applied),
 * one row per (event, handler), completed with what only the handler
 * classes know: the `when` predicate and the file each class comes from.
 *
 * @example
 * ```ts
 * handlerRows(app.bus, [SendWelcomeEmail], process.cwd());
 * ```
 */
export function handlerRows(bus: EventBus, classes: readonly Class[], cwd: string): HandlerRow[] {
  const extra = new Map<string, { when: string | null; file: string | null }>();
  const fileOfClass = new Map<string, string | null>();
  for (const cls of classes) {
    const file = sourceFileOf(cls, cwd) ?? null;
    fileOfClass.set(cls.name, file);
    let subscriptions: ReturnType<typeof buildSubscriptions> = [];
    try {
      subscriptions = buildSubscriptions(cls, idleResolver);
    } catch {
      // another copy of koa-event-bus recorded it: describe() still lists it, without `when`
    }
    for (const s of subscriptions)
      extra.set(s.id, { when: s.when ? predicate(s.when) : null, file });
  }
  return bus.describe().flatMap(({ event, version, handlers }): HandlerRow[] => {
    if (handlers.length === 0) return [{ ...NO_HANDLER, event, version }];
    return handlers.map((h) => ({
      event,
      version,
      handler: h.id,
      order: h.order,
      attempts: h.attempts,
      timeoutMs: h.timeoutMs ?? null,
      includeSubclasses: h.includeSubclasses,
      when: extra.get(h.id)?.when ?? null,
      // `source` is ClassName.method: the file is known even when the metadata is not ours to read.
      file: extra.get(h.id)?.file ?? fileOfClass.get(h.source.split('.')[0]!) ?? null,
    }));
  });
}

const NO_HANDLER = {
  handler: null,
  order: null,
  attempts: null,
  timeoutMs: null,
  includeSubclasses: false,
  when: null,
  file: null,
} as const;

function predicate(fn: Function): string {
  const text = fn.toString().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
