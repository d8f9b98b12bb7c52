import { runInThisContext } from 'node:vm';
import type { Logger } from 'koa-event-bus';

// Values a hostile (or just unlucky) handler can throw or return. Each one
// broke the bus before issue 8: reading `then`, `stack`, `message` or the
// prototype of such a value throws.

export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

export function throwingGetters(...keys: (string | symbol)[]): object {
  const o: Record<string | symbol, unknown> = {};
  for (const key of keys)
    Object.defineProperty(o, key, {
      get() {
        throw new Error(`getter ${String(key)} threw`);
      },
      enumerable: true,
    });
  return o;
}

/** An Error whose stack, message and name getters throw (util.inspect reads them). */
export function poisonedError(): Error {
  const err = new Error('poisoned');
  for (const key of ['stack', 'message', 'name'])
    Object.defineProperty(err, key, {
      get() {
        throw new Error(`${key} getter threw`);
      },
    });
  return err;
}

/** A real promise whose `constructor` getter throws (Promise.resolve reads it). */
export function promiseWithPoisonedConstructor(): Promise<unknown> {
  const p = Promise.resolve('ok');
  Object.defineProperty(p, 'constructor', {
    get() {
      throw new Error('constructor getter threw');
    },
  });
  return p;
}

/** A proxy whose every trap throws. */
export function trapAll(): object {
  const boom = () => {
    throw new Error('trap');
  };
  return new Proxy(
    {},
    {
      get: boom,
      has: boom,
      getPrototypeOf: boom,
      ownKeys: boom,
      getOwnPropertyDescriptor: boom,
    },
  );
}

export const hostileValues: Record<string, () => unknown> = {
  'then getter throws': () => throwingGetters('then'),
  'then throws when called': () => ({
    // biome-ignore lint/suspicious/noThenProperty: the point of the test
    then() {
      throw new Error('then threw');
    },
  }),
  'revoked proxy': revokedProxy,
  'proxy whose traps throw': trapAll,
  'error with throwing stack/message/name': poisonedError,
  'promise with throwing constructor getter': promiseWithPoisonedConstructor,
  'null-prototype object': () => Object.create(null),
  symbol: () => Symbol('hostile'),
  bigint: () => 10n ** 30n,
  'object whose toString and toPrimitive throw': () => ({
    toString() {
      throw new Error('toString');
    },
    [Symbol.toPrimitive]() {
      throw new Error('toPrimitive');
    },
  }),
  'cyclic object': () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    return o;
  },
  function: () => () => 'fn',
};

/** A logger every method of which throws. */
export const throwingLogger: Logger = {
  error() {
    throw new Error('logger.error threw');
  },
  warn() {
    throw new Error('logger.warn threw');
  },
  info() {
    throw new Error('logger.info threw');
  },
  debug() {
    throw new Error('logger.debug threw');
  },
};

// Jest gives each test file its own copy of `process`, whose listeners Node
// never calls: listen on the real one.
const hostProcess = runInThisContext('process') as NodeJS.Process;

/** Collects unhandled rejections and uncaught exceptions while installed. */
export function processFaults() {
  const seen: unknown[] = [];
  const on = (reason: unknown) => seen.push(reason);
  return {
    seen,
    install() {
      hostProcess.on('unhandledRejection', on);
      hostProcess.on('uncaughtException', on);
    },
    uninstall() {
      hostProcess.off('unhandledRejection', on);
      hostProcess.off('uncaughtException', on);
    },
  };
}
