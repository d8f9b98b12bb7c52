import 'reflect-metadata';
import { decorateClass, decorateMethod, named } from '../lib/decorate';
import { loadOurs, oursUnavailable } from '../lib/ours';
import { type BenchEvent, type EventClass, hit, until } from '../lib/sink';

// Each peer loads its library inside create(), so that a child process benchmarking one library
// has loaded no other (clean heap baselines and CPU profiles).

/**
 * One bus set up for one scenario: `types` event classes, each with `handlersPerType` handlers.
 * Every handler is an async function whose whole body is `hit(event.n)`; with `sync: true`
 * (bench/core) a plain function / method with the same body (the `direct` peer ignores it).
 */
export interface Setup {
  types: EventClass[];
  handlersPerType: number;
  sync?: boolean;
}

export interface Instance {
  /** Delivers one event of `type` to all its handlers; resolves when every handler has finished. */
  dispatcher(type: EventClass): (e: BenchEvent) => Promise<unknown>;
  /** Fire-and-forget delivery of one event of `type` (completion is observed through `until`). */
  emitter(type: EventClass): (e: BenchEvent) => void;
  /**
   * Only where the library runs the listeners inside the call (node:events, eventemitter3, mitt):
   * the bare call, nothing awaited. With sync handlers they have all run when it returns.
   */
  syncCall?(type: EventClass): (e: BenchEvent) => void;
  /** Only koa-event-bus: resolves when everything emitted so far has been handled. */
  drain?(): Promise<void>;
  close(): Promise<void>;
}

export interface Peer {
  id: string;
  label: string;
  /** How "until handled" is observed for this peer, for the report. */
  how: string;
  /** A reason when the peer cannot run (e.g. our package is not wired yet). */
  unavailable?: () => string | undefined;
  create(setup: Setup): Promise<Instance>;
}

/** For emitters that do not return the listeners' promises: wait until `k` handlers have run. */
function awaitHandlers(k: number, fire: () => void): Promise<void> {
  const done = until(k);
  fire();
  return done;
}

/**
 * The instance of a string-keyed emitter whose listeners start inside `emit()`
 * (node:events, eventemitter3, mitt): completion is awaited through the sink.
 */
function stringKeyed(
  ee: { emit(name: string, e: BenchEvent): unknown },
  handlersPerType: number,
  close: () => void,
): Instance {
  return {
    dispatcher(type) {
      const name = type.name;
      return (e) => awaitHandlers(handlersPerType, () => ee.emit(name, e));
    },
    emitter(type) {
      const name = type.name;
      return (e) => {
        ee.emit(name, e);
      };
    },
    syncCall(type) {
      const name = type.name;
      return (e) => {
        ee.emit(name, e);
      };
    },
    async close() {
      close();
    },
  };
}

/** Fresh listener functions per registration, so that no library can dedupe them. */
function listeners(k: number, sync = false): Array<(e: BenchEvent) => void | Promise<void>> {
  return Array.from({ length: k }, () =>
    sync
      ? (e: BenchEvent): void => {
          hit(e.n);
        }
      : async (e: BenchEvent): Promise<void> => {
          hit(e.n);
        },
  );
}

class DirectHandler {
  async handle(e: BenchEvent): Promise<void> {
    hit(e.n);
  }
}

const direct: Peer = {
  id: 'direct',
  label: 'direct method call',
  how: 'await handler.handle(e) (Promise.all for 10); no routing at all: the physical limit',
  async create({ types, handlersPerType }) {
    const byType = new Map(
      types.map((t) => [t, Array.from({ length: handlersPerType }, () => new DirectHandler())]),
    );
    return {
      dispatcher(type) {
        const hs = byType.get(type)!;
        const first = hs[0]!;
        if (hs.length === 1) return (e) => first.handle(e);
        return (e) => Promise.all(hs.map((h) => h.handle(e)));
      },
      emitter(type) {
        const hs = byType.get(type)!;
        return (e) => {
          for (const h of hs) void h.handle(e);
        };
      },
      async close() {},
    };
  },
};

const nodeEvents: Peer = {
  id: 'node-events',
  label: 'node:events',
  how: 'emit() then await until the async listener(s) ran',
  async create({ types, handlersPerType, sync }) {
    const { EventEmitter } = await import('node:events');
    const ee = new EventEmitter();
    ee.setMaxListeners(0);
    for (const t of types) for (const l of listeners(handlersPerType, sync)) ee.on(t.name, l);
    return stringKeyed(ee, handlersPerType, () => ee.removeAllListeners());
  },
};

const eventemitter3: Peer = {
  id: 'eventemitter3',
  label: 'eventemitter3',
  how: 'emit() then await until the async listener(s) ran',
  async create({ types, handlersPerType, sync }) {
    const { default: EventEmitter3 } = await import('eventemitter3');
    const ee = new EventEmitter3();
    for (const t of types) for (const l of listeners(handlersPerType, sync)) ee.on(t.name, l);
    return stringKeyed(ee, handlersPerType, () => ee.removeAllListeners());
  },
};

const mittPeer: Peer = {
  id: 'mitt',
  label: 'mitt',
  how: 'emit() then await until the async listener(s) ran',
  async create({ types, handlersPerType, sync }) {
    const { default: mitt } = await import('mitt');
    const bus = mitt<Record<string, BenchEvent>>();
    for (const t of types) for (const l of listeners(handlersPerType, sync)) bus.on(t.name, l);
    return stringKeyed(bus, handlersPerType, () => bus.all.clear());
  },
};

const emittery: Peer = {
  id: 'emittery',
  label: 'emittery',
  how: 'await emit() (resolves when all listeners have settled)',
  async create({ types, handlersPerType, sync }) {
    const { default: Emittery } = await import('emittery');
    const em = new Emittery<Record<string, BenchEvent>>();
    for (const t of types) for (const l of listeners(handlersPerType, sync)) em.on(t.name, l);
    return {
      dispatcher(type) {
        const name = type.name;
        return (e) => em.emit(name, e);
      },
      emitter(type) {
        const name = type.name;
        return (e) => {
          void em.emit(name, e);
        };
      },
      async close() {
        em.clearListeners();
      },
    };
  },
};

const eventemitter2: Peer = {
  id: 'eventemitter2',
  label: 'eventemitter2',
  how: 'await emitAsync()',
  async create({ types, handlersPerType, sync }) {
    const { EventEmitter2 } = await import('eventemitter2');
    const ee = new EventEmitter2({ maxListeners: 0 });
    for (const t of types) for (const l of listeners(handlersPerType, sync)) ee.on(t.name, l);
    return {
      dispatcher(type) {
        const name = type.name;
        return (e) => ee.emitAsync(name, e);
      },
      emitter(type) {
        const name = type.name;
        return (e) => {
          ee.emit(name, e);
        };
      },
      async close() {
        ee.removeAllListeners();
      },
    };
  },
};

/** Builds `handlersPerType` handler classes per event type, decorated for the given library. */
function handlerClasses(
  setup: Setup,
  decorate: (cls: new () => { handle(e: BenchEvent): unknown }, type: EventClass) => void,
): Array<new () => unknown> {
  const out: Array<new () => unknown> = [];
  for (const type of setup.types) {
    for (let i = 0; i < setup.handlersPerType; i++) {
      const cls = named(
        setup.sync
          ? class {
              handle(e: BenchEvent): void {
                hit(e.n);
              }
            }
          : class {
              async handle(e: BenchEvent): Promise<void> {
                hit(e.n);
              }
            },
        `${type.name}Handler${i}`,
      );
      decorate(cls, type);
      out.push(cls);
    }
  }
  return out;
}

/** What tsc emits as design:returntype: Promise for an async method, undefined for `: void`. */
const returnType = (setup: Setup): unknown => (setup.sync ? undefined : Promise);

const nestEventEmitter: Peer = {
  id: 'nest-event-emitter',
  label: '@nestjs/event-emitter',
  how: '@OnEvent providers in a Nest application context; await emitAsync()',
  async create(setup) {
    const { Injectable, Module } = await import('@nestjs/common');
    const { NestFactory } = await import('@nestjs/core');
    const { EventEmitter2, EventEmitterModule, OnEvent } = await import('@nestjs/event-emitter');
    const providers = handlerClasses(setup, (cls, type) => {
      decorateMethod(cls, 'handle', [OnEvent(type.name)], [type], returnType(setup));
      decorateClass(cls, [Injectable()]);
    });
    const BenchModule = decorateClass(class BenchModule {}, [
      Module({ imports: [EventEmitterModule.forRoot({ maxListeners: 0 })], providers }),
    ]);
    const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
    await app.init();
    const ee = app.get(EventEmitter2);
    return {
      dispatcher(type) {
        const name = type.name;
        return (e) => ee.emitAsync(name, e);
      },
      emitter(type) {
        const name = type.name;
        return (e) => {
          ee.emit(name, e);
        };
      },
      async close() {
        await app.close();
      },
    };
  },
};

const nestCqrs: Peer = {
  id: 'nest-cqrs',
  label: '@nestjs/cqrs EventBus',
  how: '@EventsHandler providers; publish() then await until the handler(s) ran',
  async create(setup) {
    const { handlersPerType } = setup;
    const { Module } = await import('@nestjs/common');
    const { NestFactory } = await import('@nestjs/core');
    const { CqrsModule, EventBus, EventsHandler } = await import('@nestjs/cqrs');
    const providers = handlerClasses(setup, (cls, type) => {
      decorateClass(cls, [EventsHandler(type)]);
    });
    const BenchModule = decorateClass(class BenchModule {}, [
      Module({ imports: [CqrsModule.forRoot()], providers }),
    ]);
    const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
    await app.init();
    const bus = app.get(EventBus);
    return {
      dispatcher() {
        return (e) => awaitHandlers(handlersPerType, () => bus.publish(e));
      },
      emitter() {
        return (e) => {
          bus.publish(e);
        };
      },
      async close() {
        await app.close();
      },
    };
  },
};

/**
 * koa-event-bus, default options: `await bus.dispatch(e)` for (a)/(b)/(d), `bus.emit(e)` outside
 * any scope for (c). Handlers are `@EventHandler()` classes with an `@OnEvent(Type)` method.
 */
const koaEventBus: Peer = {
  id: 'koa-event-bus',
  label: '**koa-event-bus**',
  how: 'await bus.dispatch(e); bus.emit(e) outside any scope for (c)',
  unavailable: () => oursUnavailable('createEventBus', 'EventHandler', 'OnEvent'),
  async create(setup) {
    const ours = await loadOurs();
    const handlers = handlerClasses(setup, (cls, type) => {
      decorateMethod(
        cls,
        'handle',
        [ours.OnEvent(type) as MethodDecorator],
        [type],
        returnType(setup),
      );
      decorateClass(cls, [ours.EventHandler()]);
    });
    const bus = ours.createEventBus({ handlers });
    return {
      dispatcher() {
        return (e) => bus.dispatch(e);
      },
      emitter() {
        return (e) => {
          bus.emit(e);
        };
      },
      drain: () => bus.drain(),
      async close() {
        await bus.drain();
        await bus.close();
      },
    };
  },
};

export const peers: Peer[] = [
  direct,
  nodeEvents,
  eventemitter3,
  mittPeer,
  emittery,
  eventemitter2,
  nestEventEmitter,
  nestCqrs,
  koaEventBus,
];

export function peerById(id: string): Peer {
  const p = peers.find((x) => x.id === id);
  if (!p) throw new Error(`unknown peer ${id}; known: ${peers.map((x) => x.id).join(', ')}`);
  return p;
}
