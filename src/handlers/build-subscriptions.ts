import type { Resolver } from '../container/provider';
import type { Class } from '../kernel/class';
import {
  InvalidHandlerOptionsError,
  MissingEventHandlerDecoratorError,
  NotAHandlerClassError,
} from '../kernel/errors';
import type { EventContext } from './event-context';
import type { OnEventOptions, RetryPolicy } from './handler-options';
import { DEFAULT_RETRY } from './handler-options';
import { readHandlerClass, readSubscriptions } from './metadata';
import type { Subscription } from './subscription';

/** Bus-wide defaults applied to `@OnEvent` options that leave them out. */
export interface SubscriptionDefaults {
  retry?: RetryPolicy;
  timeoutMs?: number;
}

/**
 * Reads a handler class's metadata, builds its instance through the resolver
 * and returns one subscription per (method, event class). Throws at startup
 * for a class that is not a handler or has invalid options.
 */
export function buildSubscriptions(
  cls: Class,
  resolver: Resolver,
  defaults: SubscriptionDefaults = {},
): Subscription[] {
  const info = readHandlerClass(cls);
  const records = readSubscriptions(cls);
  if (!info) {
    if (records.length > 0) throw new MissingEventHandlerDecoratorError(cls.name);
    throw new NotAHandlerClassError(cls.name || String(cls));
  }
  if (records.length === 0) throw new NotAHandlerClassError(cls.name);
  const instance = resolver.get(cls) as Record<string | symbol, unknown>;
  const prefix = info.idPrefix ?? cls.name;
  const subs: Subscription[] = [];
  for (const record of records) {
    const source = `${cls.name}.${String(record.method)}`;
    const method = instance[record.method];
    if (typeof method !== 'function') {
      throw new InvalidHandlerOptionsError(
        source,
        `${String(record.method)} is not a method of the instance`,
      );
    }
    const id = record.options.id ?? `${prefix}.${String(record.method)}`;
    const invoke = (event: unknown, ctx: EventContext) =>
      (method as Function).call(instance, event, ctx);
    for (const eventClass of record.events) {
      subs.push(
        makeSubscription({
          id,
          source,
          eventClass,
          options: record.options,
          invoke,
          defaults,
        }),
      );
    }
  }
  return subs;
}

/** Validates options and fills defaults. Shared by `@OnEvent` methods and `bus.on()`. */
export function makeSubscription(input: {
  id: string;
  source: string;
  eventClass: Class<object>;
  options: OnEventOptions<unknown>;
  invoke: Subscription['invoke'];
  defaults?: SubscriptionDefaults;
}): Subscription {
  const { id, source, eventClass, options, invoke, defaults = {} } = input;
  if (typeof eventClass !== 'function') {
    throw new InvalidHandlerOptionsError(
      id,
      `the event must be a class, got ${String(eventClass)}`,
    );
  }
  const retry = { ...DEFAULT_RETRY, ...defaults.retry, ...options.retry };
  const fail = (problem: string): never => {
    throw new InvalidHandlerOptionsError(id, problem);
  };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1)
    fail(`retry.attempts must be an integer >= 1 (got ${retry.attempts})`);
  if (!(retry.backoffMs >= 0)) fail(`retry.backoffMs must be >= 0 (got ${retry.backoffMs})`);
  if (!(retry.maxDelayMs >= 0)) fail(`retry.maxDelayMs must be >= 0 (got ${retry.maxDelayMs})`);
  if (typeof retry.jitter === 'number' && !(retry.jitter >= 0 && retry.jitter <= 1)) {
    fail(`retry.jitter must be a boolean or a fraction in [0, 1] (got ${retry.jitter})`);
  }
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  if (timeoutMs !== undefined && !(timeoutMs > 0 && Number.isFinite(timeoutMs)))
    fail(`timeoutMs must be a positive number (got ${timeoutMs})`);
  const order = options.order ?? 0;
  if (!Number.isFinite(order)) fail(`order must be a finite number (got ${order})`);
  if (id.length === 0) fail('id must not be empty');
  return {
    id,
    source,
    eventClass,
    order,
    retry,
    timeoutMs,
    includeSubclasses: options.includeSubclasses === true,
    when: options.when as Subscription['when'],
    invoke,
  };
}
