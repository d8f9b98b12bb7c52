import { readEventInfo } from '../handlers/metadata';
import type { Class } from '../kernel/class';
import { InvalidEventError } from '../kernel/errors';

/** Wire name and version of an event class. */
export interface EventName {
  name: string;
  version: number;
}

/**
 * Names events by class (`@Event` metadata, else the class name), cached per
 * bus, and rejects what is not an event class instance.
 */
export class EventNames {
  private readonly cache = new Map<Function, EventName>();

  /** Name of an emitted value; throws `InvalidEventError` for non-events. */
  of(event: unknown): EventName {
    return this.ofClass(this.classOf(event));
  }

  /** The class of an emitted value (its `constructor`, read once); throws `InvalidEventError` for non-events. */
  classOf(event: unknown): Function {
    if (typeof event !== 'object' || event === null) {
      throw new InvalidEventError(event === null ? 'null' : typeof event);
    }
    const ctor = (event as object).constructor;
    if (typeof ctor !== 'function' || ctor === Object || Array.isArray(event)) {
      throw new InvalidEventError(Array.isArray(event) ? 'an array' : 'a plain object');
    }
    return ctor;
  }

  ofClass(cls: Function): EventName {
    let info = this.cache.get(cls);
    if (!info) {
      info = readEventInfo(cls as Class) ?? { name: cls.name || '(anonymous event)', version: 1 };
      this.cache.set(cls, info);
    }
    return info;
  }
}
