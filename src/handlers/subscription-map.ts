import type { Class } from '../kernel/class';
import { DuplicateHandlerIdError } from '../kernel/errors';
import type { Subscription } from './subscription';

/** Subscriptions for one concrete event class, grouped by ascending `order`. */
export interface Route {
  /** Each inner array runs concurrently; groups run one after another. */
  readonly groups: readonly (readonly Subscription[])[];
  /** Total number of subscriptions across groups. */
  readonly size: number;
}

const EMPTY_ROUTE: Route = { groups: [], size: 0 };

/**
 * `Map<EventClass, Subscription[]>` keyed by constructor: dispatch is by class
 * identity. Routes (with opt-in subclass delivery and order groups) are
 * computed once per event class and cached until the map changes.
 */
export class SubscriptionMap {
  private readonly byClass = new Map<Class<object>, Subscription[]>();
  /** Handler id → the subscription that owns it; a method bound to several events shares one `invoke`. */
  private readonly owners = new Map<string, Subscription>();
  private readonly routes = new Map<Function, Route>();

  /** Adds subscriptions, enforcing unique handler ids (one owner method per id). */
  add(subs: readonly Subscription[]): void {
    // Ownership is by identity (the bound method), not by name: two classes
    // both called `Mailer` (in two modules) are two owners of `Mailer.send`.
    const claimed = new Map<string, Subscription>();
    for (const s of subs) {
      const owner = this.owners.get(s.id) ?? claimed.get(s.id);
      if (owner !== undefined && owner.invoke !== s.invoke)
        throw new DuplicateHandlerIdError(
          s.id,
          owner.source === s.source
            ? [`${s.source} (two different classes with the same name)`]
            : [owner.source, s.source],
        );
      claimed.set(s.id, s);
    }
    for (const s of subs) {
      this.owners.set(s.id, s);
      const list = this.byClass.get(s.eventClass);
      if (list) list.push(s);
      else this.byClass.set(s.eventClass, [s]);
    }
    this.routes.clear();
  }

  remove(sub: Subscription): void {
    const list = this.byClass.get(sub.eventClass);
    if (!list) return;
    const i = list.indexOf(sub);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byClass.delete(sub.eventClass);
    if (![...this.byClass.values()].some((l) => l.some((s) => s.id === sub.id)))
      this.owners.delete(sub.id);
    this.routes.clear();
  }

  /** The route for an event's constructor (cached). */
  route(eventClass: Function): Route {
    const cached = this.routes.get(eventClass);
    if (cached) return cached;
    const route = this.compute(eventClass);
    this.routes.set(eventClass, route);
    return route;
  }

  /** Every event class with at least one subscription, in registration order. */
  entries(): IterableIterator<[Class<object>, Subscription[]]> {
    return this.byClass.entries();
  }

  private compute(eventClass: Function): Route {
    const seen = new Set<string>();
    const matched: Subscription[] = [];
    let c: unknown = eventClass;
    for (
      let own = true;
      typeof c === 'function' && c !== Function.prototype;
      own = false, c = Object.getPrototypeOf(c)
    ) {
      for (const s of this.byClass.get(c as Class<object>) ?? []) {
        if ((own || s.includeSubclasses) && !seen.has(s.id)) {
          seen.add(s.id);
          matched.push(s);
        }
      }
    }
    if (matched.length === 0) return EMPTY_ROUTE;
    const orders = [...new Set(matched.map((s) => s.order))].sort((a, b) => a - b);
    return {
      groups: orders.map((o) => matched.filter((s) => s.order === o)),
      size: matched.length,
    };
  }
}
