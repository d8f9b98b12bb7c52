import 'reflect-metadata';
import type { Class } from '../kernel/class';
import { ReflectMetadataMissingError } from '../kernel/errors';
import type { OnEventOptions } from './handler-options';

// The only module of the handlers stage that calls Reflect.*. Facts live on the
// classes themselves: there is no process-wide registry.
const EVENT_INFO = Symbol('keb:event');
const HANDLER_CLASS = Symbol('keb:event-handler');
const SUBSCRIPTIONS = Symbol('keb:on-event');

/** What `@Event()` records on an event class. */
export interface EventInfo {
  name: string;
  version: number;
}

/** What one `@OnEvent()` records on a handler class. */
export interface SubscriptionRecord {
  events: readonly Class<object>[];
  method: string | symbol;
  options: OnEventOptions<unknown>;
}

/** What `@EventHandler()` records. */
export interface HandlerClassInfo {
  idPrefix?: string;
}

function reflect(): typeof Reflect {
  if (typeof Reflect.getMetadata !== 'function') throw new ReflectMetadataMissingError();
  return Reflect;
}

export function recordEventInfo(cls: Class, info: EventInfo): void {
  reflect().defineMetadata(EVENT_INFO, info, cls);
}

/** Own `@Event` info only: a subclass without `@Event` gets its own class name, not its parent's. */
export function readEventInfo(cls: Class): EventInfo | undefined {
  return reflect().getOwnMetadata(EVENT_INFO, cls) as EventInfo | undefined;
}

export function recordHandlerClass(cls: Class, info: HandlerClassInfo): void {
  reflect().defineMetadata(HANDLER_CLASS, info, cls);
}

export function readHandlerClass(cls: Class): HandlerClassInfo | undefined {
  return reflect().getOwnMetadata(HANDLER_CLASS, cls) as HandlerClassInfo | undefined;
}

export function recordSubscription(cls: Class, record: SubscriptionRecord): void {
  const r = reflect();
  const own = (r.getOwnMetadata(SUBSCRIPTIONS, cls) as SubscriptionRecord[] | undefined) ?? [];
  r.defineMetadata(SUBSCRIPTIONS, [...own, record], cls);
}

/** Subscriptions of a class including inherited `@OnEvent` methods (a subclass may override the method). */
export function readSubscriptions(cls: Class): readonly SubscriptionRecord[] {
  const r = reflect();
  const seen = new Set<string | symbol>();
  const all: SubscriptionRecord[] = [];
  for (
    let c: unknown = cls;
    typeof c === 'function' && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    const own = (r.getOwnMetadata(SUBSCRIPTIONS, c) as SubscriptionRecord[] | undefined) ?? [];
    const methods = new Set(own.map((s) => s.method));
    for (const s of own) if (!seen.has(s.method)) all.push(s);
    for (const m of methods) seen.add(m);
  }
  return all;
}
