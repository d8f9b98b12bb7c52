import type { Class } from '../../kernel/class';
import { DuplicateEventNameError } from '../../kernel/errors';

/**
 * An event class with its wire name and version: what a `HandlerBinding`
 * carries (`{ eventClass, name: b.eventName, version: b.eventVersion }`).
 *
 * @example
 * ```ts
 * const types: EventType[] = host.bindings.map((b) => ({ eventClass: b.eventClass, name: b.eventName, version: b.eventVersion }));
 * ```
 */
export interface EventType {
  readonly eventClass: Class<object>;
  readonly name: string;
  readonly version: number;
}

/**
 * The event classes a process knows, by wire name and version. Several
 * handlers binding one class give one entry; two classes with one name and
 * version throw `DuplicateEventNameError` (a message could not say which it is).
 *
 * @example
 * ```ts
 * const types = new EventTypes([{ eventClass: UserRegistered, name: 'user.registered', version: 2 }]);
 * types.find('user.registered', 2); // the entry
 * types.versionsOf('user.registered'); // [2]
 * ```
 */
export class EventTypes {
  private readonly byName = new Map<string, Map<number, EventType>>();

  constructor(types: readonly EventType[]) {
    for (const type of types) {
      let versions = this.byName.get(type.name);
      if (!versions) {
        versions = new Map();
        this.byName.set(type.name, versions);
      }
      const known = versions.get(type.version);
      if (known && known.eventClass !== type.eventClass) {
        const names = [known.eventClass.name, type.eventClass.name];
        throw new DuplicateEventNameError(type.name, type.version, names);
      }
      versions.set(type.version, type);
    }
  }

  /** The class of this name and version, if this process knows it. */
  find(name: string, version: number): EventType | undefined {
    return this.byName.get(name)?.get(version);
  }

  /** The versions of `name` this process knows, ascending (empty for an unknown name). */
  versionsOf(name: string): number[] {
    return [...(this.byName.get(name)?.keys() ?? [])].sort((a, b) => a - b);
  }
}
