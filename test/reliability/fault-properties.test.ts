import { format } from 'node:util';
import { runInThisContext } from 'node:vm';
import fc from 'fast-check';
import {
  type BusHooks,
  createEventBus,
  type DispatchReport,
  type EventBus,
  EventHandler,
  type Logger,
  OnEvent,
  type OnEventOptions,
  type RetryPolicy,
  silentLogger,
} from 'koa-event-bus';
import { nextTurn } from '../fixtures/next-turn';
import { poisonedError, revokedProxy, throwingGetters, trapAll } from './hostile';

// Issue 8, generalized: hostile-values.test.ts pins a dozen hand-picked values
// at a few places; this suite generates the values (throwing getters, proxies,
// cycles, symbols, BigInt, huge strings, poisoned errors, hostile thenables...)
// and where they are thrown, returned, resolved or rejected (the handler, its
// `when`, every hook, the logger, `shouldRetry`), with and without retries and
// timeouts. Whatever the case, through the public API only: nothing escapes as
// an unhandled rejection or uncaught exception, every matching handler gets
// exactly one outcome, no slot leaks, `internalFaults` stays 0, and the bus
// still dispatches a normal event afterwards.

// ---- hostile values --------------------------------------------------------

/** A hostile value, made afresh each time it is thrown or returned; printed by its label. */
interface Hostile extends fc.WithToStringMethod {
  readonly label: string;
  make(): unknown;
}

function hostile(label: string, make: () => unknown): Hostile {
  return { label, make, [fc.toStringMethod]: () => label };
}

/** Defines getters on `target` that work `reads - 1` times, then throw on every read. */
function poison<T extends object>(target: T, keys: readonly string[], reads = 1): T {
  for (const key of keys) {
    let left = reads;
    const value = (target as Record<string, unknown>)[key];
    Object.defineProperty(target, key, {
      get() {
        if (--left > 0) return value;
        throw new Error(`getter ${key} threw`);
      },
      enumerable: true,
      configurable: false,
    });
  }
  return target;
}

const hugeStrings = new Map<number, string>();
function hugeString(mb: number): string {
  let s = hugeStrings.get(mb);
  if (s === undefined) {
    s = 'x'.repeat(mb * 1024 * 1024);
    hugeStrings.set(mb, s);
  }
  return s;
}

/** Plain data of every shape: fc.anything with every exotic option turned on. */
const plainData: fc.Arbitrary<Hostile> = fc
  .anything({
    maxDepth: 2,
    maxKeys: 4,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withNullPrototype: true,
    withObjectString: true,
    withSet: true,
    withSparseArray: true,
    withTypedArray: true,
  })
  .map((v) => hostile(`data ${fc.stringify(v).slice(0, 80)}`, () => v));

const GETTER_KEYS = ['then', 'stack', 'message', 'name', 'constructor', 'cause', 'toJSON'];
const TRAPS = [
  'get',
  'has',
  'getPrototypeOf',
  'ownKeys',
  'getOwnPropertyDescriptor',
  'set',
  'defineProperty',
  'isExtensible',
  'apply',
] as const;
const FUNCTIONS: Hostile[] = [
  hostile('arrow function', () => () => 'fn'),
  hostile('async function', () => async () => 'fn'),
  hostile('class', () => class Thrown {}),
  hostile(
    'generator function',
    () =>
      function* gen() {
        yield 1;
      },
  ),
  hostile('function whose then getter throws', () => poison(() => 1, ['then'])),
];
class Weird {}

/** Huge strings are rare: each costs ~20 ms (the bus quotes them in messages; V8 copies them into stacks). */
const huge = fc
  .integer({ min: 1, max: 5 })
  .map((mb) => hostile(`${mb} MB string`, () => hugeString(mb)));

const exotic: fc.Arbitrary<Hostile> = fc.oneof(
  fc
    .record({
      keys: fc.subarray(GETTER_KEYS, { minLength: 1 }),
      reads: fc.integer({ min: 1, max: 3 }),
      on: fc.constantFrom('object', 'class instance', 'Error'),
    })
    .map(({ keys, reads, on }) =>
      hostile(`${on} whose ${keys} getters throw from read #${reads}`, () => {
        if (reads === 1 && on === 'object') return throwingGetters(...keys);
        const target = on === 'object' ? {} : on === 'Error' ? new Error('e') : new Weird();
        return poison(target, keys, reads);
      }),
    ),
  fc.constantFrom(
    hostile('revoked proxy', revokedProxy),
    hostile('proxy whose every trap throws', trapAll),
    hostile('error with throwing stack/message/name', poisonedError),
    hostile('object whose toString and toPrimitive throw', () => ({
      toString() {
        throw new Error('toString');
      },
      [Symbol.toPrimitive]() {
        throw new Error('toPrimitive');
      },
    })),
    ...FUNCTIONS,
  ),
  fc
    .record({
      traps: fc.subarray([...TRAPS], { minLength: 1 }),
      target: fc.constantFrom('object', 'function', 'array', 'error'),
    })
    .map(({ traps, target }) =>
      hostile(`proxy of ${target} whose ${traps} traps throw`, () => {
        const handler: ProxyHandler<object> = {};
        for (const trap of traps)
          (handler as Record<string, unknown>)[trap] = () => {
            throw new Error(`${trap} trap`);
          };
        const t =
          target === 'function'
            ? () => 1
            : target === 'array'
              ? []
              : target === 'error'
                ? new Error('t')
                : {};
        return new Proxy(t, handler);
      }),
    ),
  fc.record({ data: plainData, frozen: fc.boolean() }).map(({ data, frozen }) =>
    hostile(`cyclic${frozen ? ' frozen' : ''} object around ${data.label}`, () => {
      const o: Record<string, unknown> = { data: data.make() };
      o.self = o;
      o.list = [o, [o]];
      return frozen ? Object.freeze(o) : o;
    }),
  ),
  fc
    .object({ maxDepth: 2, maxKeys: 4 })
    .map((o) => hostile(`frozen ${fc.stringify(o).slice(0, 60)}`, () => Object.freeze(o))),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 })
    .map((d) =>
      hostile(`null-prototype ${JSON.stringify(d).slice(0, 60)}`, () =>
        Object.assign(Object.create(null), d),
      ),
    ),
  fc.string({ maxLength: 8 }).map((s) => hostile(`Symbol(${s})`, () => Symbol(s))),
  fc.bigInt().map((b) => hostile(`${b}n`, () => b)),
  fc
    .record({
      ctor: fc.constantFrom(Error, TypeError, RangeError),
      message: fc.string({ maxLength: 20 }),
      poisoned: fc.subarray(['stack', 'message', 'name', 'cause', 'constructor', 'toString']),
    })
    .map(({ ctor, message, poisoned }) =>
      hostile(`${ctor.name}(${JSON.stringify(message)}) with throwing ${poisoned}`, () =>
        poison(new ctor(message, { cause: 'c' }), poisoned),
      ),
    ),
);

const leaf: fc.Arbitrary<Hostile> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: exotic, weight: 30 },
  { arbitrary: huge, weight: 1 },
);

/**
 * What a foreign thenable does when `then` is called. None of them is
 * unhandled by construction: a thenable only rejects when someone calls `then`
 * with a callback for it.
 */
const THENABLES = [
  'resolves',
  'rejects',
  'resolves later',
  'rejects later',
  'throws',
  'resolves, then throws',
  'rejects, then resolves, then throws',
] as const;
type ThenableKind = (typeof THENABLES)[number];

function thenable(kind: ThenableKind, inner: Hostile): Hostile {
  type Cb = (v: unknown) => void;
  const later = (fn: () => void) => {
    Promise.resolve().then(fn);
  };
  const then = (res: Cb, rej: Cb) => {
    switch (kind) {
      case 'resolves':
        return res(inner.make());
      case 'rejects':
        return rej(inner.make());
      // A later call is in a job of the thenable's own: it must not throw out
      // of it (no one but its author could catch that), so it checks what it calls.
      case 'resolves later':
        return later(() => typeof res === 'function' && res(inner.make()));
      case 'rejects later':
        return later(() => typeof rej === 'function' && rej(inner.make()));
      case 'throws':
        throw inner.make();
      case 'resolves, then throws':
        res(inner.make());
        throw inner.make();
      case 'rejects, then resolves, then throws':
        rej(inner.make());
        res(inner.make());
        throw inner.make();
    }
  };
  return hostile(`thenable that ${kind} ${inner.label}`, () => ({ then }));
}

/**
 * Any hostile value, thenables of hostile values included (nested up to 3
 * deep). Native promises appear only fulfilled, with plain data: a rejected
 * native promise used as a *value* (thrown, or passed along) is an unhandled
 * rejection of its author's, and a rejected one with a throwing `constructor`
 * getter cannot be handled by anyone (`then`, `await` and `Promise.resolve`
 * all read `constructor` first).
 */
const { value: hostileValue } = fc.letrec<{ value: Hostile; wrapped: Hostile }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'hostile', withCrossShrink: true },
    { arbitrary: plainData, weight: 3 },
    { arbitrary: leaf, weight: 6 },
    { arbitrary: tie('wrapped'), weight: 2 },
  ),
  wrapped: fc.oneof(
    { depthIdentifier: 'hostile' },
    fc
      .record({ kind: fc.constantFrom(...THENABLES), inner: tie('value') })
      .map(({ kind, inner }) => thenable(kind, inner)),
    fc.record({ data: plainData, poisoned: fc.boolean() }).map(({ data, poisoned }) =>
      hostile(
        `promise${poisoned ? ' with a throwing constructor getter' : ''} fulfilled with ${data.label}`,
        () => {
          const p = Promise.resolve(data.make());
          return poisoned ? poison(p, ['constructor']) : p;
        },
      ),
    ),
    fc
      .array(tie('value'), { minLength: 1, maxLength: 3 })
      .map((inners) =>
        hostile(
          `AggregateError of [${inners.map((i) => i.label).join(', ')}]`,
          () => new AggregateError(inners.map((i) => i.make())),
        ),
      ),
  ),
}));

// ---- where and how the value is used -----------------------------------------

/** sync: throw / return; async: resolve / reject (later), or a promise rejected before it is returned. */
const HOWS = ['throw', 'return', 'resolve', 'reject', 'rejectNow'] as const;
type How = (typeof HOWS)[number] | 'hang';
interface Act extends fc.WithToStringMethod {
  how: How;
  value: Hostile;
}
const act = (how: How, value: Hostile): Act => ({
  how,
  value,
  [fc.toStringMethod]: () => `${how} ${value.label}`,
});
const actArb = (hows: readonly How[]) =>
  fc.record({ how: fc.constantFrom(...hows), value: hostileValue }).map((a) => act(a.how, a.value));

function perform(a: Act): unknown {
  switch (a.how) {
    case 'throw':
      throw a.value.make();
    case 'return':
      return a.value.make();
    case 'resolve':
      return (async () => {
        await Promise.resolve();
        return a.value.make();
      })();
    case 'reject':
      return (async () => {
        await Promise.resolve();
        throw a.value.make();
      })();
    case 'rejectNow':
      return Promise.reject(a.value.make());
    case 'hang':
      // biome-ignore lint/suspicious/noThenProperty: a thenable that never settles
      return { then() {} };
  }
}

const HOOKS = ['onEmitted', 'onError', 'onDeadLetter', 'onDiscard', 'onDispatched'] as const;
type HookName = (typeof HOOKS)[number];
/** A present hook records its call first, then does what `act` says (or nothing). */
type HookMode = 'absent' | 'record' | Act;
const hookArb: fc.Arbitrary<HookMode> = fc.oneof(
  { withCrossShrink: true },
  fc.constantFrom<HookMode>('absent', 'record'),
  actArb(HOWS),
);

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
/** silent; util.format like console (breaks on what inspect cannot print); or throws a hostile value. */
type LogMode = 'silent' | 'inspect' | Act;
const logArb: fc.Arbitrary<LogMode> = fc.oneof(
  { withCrossShrink: true },
  fc.constantFrom<LogMode>('silent', 'inspect'),
  actArb(['throw']),
);

interface Scenario {
  handler: Act;
  when: Act | undefined;
  hooks: Record<HookName, HookMode>;
  logger: Record<(typeof LEVELS)[number], LogMode>;
  shouldRetry: Act | undefined;
  retry: { attempts: number; on: 'handler' | 'bus' };
  timeoutMs: number | undefined;
  /** A healthy handler of the same event, in the same or another order group. */
  sibling: { order: number } | undefined;
}

/** The handler returns a thenable that never settles (only its timeout ends it). */
const HANG = act(
  'hang',
  hostile('(never settles)', () => undefined),
);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    handler: fc.oneof(
      { withCrossShrink: true },
      { arbitrary: actArb(HOWS), weight: 9 },
      { arbitrary: fc.constant(HANG), weight: 1 },
    ),
    when: fc.option(actArb(HOWS), { nil: undefined }),
    hooks: fc.record({
      onEmitted: hookArb,
      onError: hookArb,
      onDeadLetter: hookArb,
      onDiscard: hookArb,
      onDispatched: hookArb,
    }),
    logger: fc.oneof(
      { withCrossShrink: true },
      fc.record({ error: logArb, warn: logArb, info: logArb, debug: logArb }),
      // every method throws
      actArb(['throw']).map((a) => ({ error: a, warn: a, info: a, debug: a })),
    ),
    shouldRetry: fc.option(actArb(['throw', 'return']), { nil: undefined }),
    retry: fc.record({
      attempts: fc.integer({ min: 1, max: 3 }),
      on: fc.constantFrom('handler' as const, 'bus' as const),
    }),
    timeoutMs: fc.option(fc.constantFrom(5, 1_000), { nil: undefined }),
    sibling: fc.option(fc.record({ order: fc.constantFrom(-1, 0, 1) }), { nil: undefined }),
  })
  // A handler that never settles needs a (short) timeout to end.
  .map((s) => (s.handler.how === 'hang' ? { ...s, timeoutMs: 5 } : s));

// ---- the bus under test ------------------------------------------------------

class Poke {
  constructor(readonly n: number) {}
}
class Normal {
  constructor(readonly n: number) {}
}

@EventHandler()
class Healthy {
  seen: number[] = [];
  @OnEvent(Normal)
  normal(e: Normal): void {
    this.seen.push(e.n);
  }
}

/** What `when` returned (ToBoolean, and whether an object), and each `shouldRetry` decision. */
interface Seen {
  when: ('falsy' | 'truthy' | 'object')[];
  decisions: boolean[];
}

/** The hostile handler, its sibling and what each hook and `shouldRetry` saw, for one case. */
function buildCase(s: Scenario) {
  const calls: Record<HookName, unknown[]> = {
    onEmitted: [],
    onError: [],
    onDeadLetter: [],
    onDiscard: [],
    onDispatched: [],
  };
  const seen: Seen = { when: [], decisions: [] };
  const retry: RetryPolicy = { attempts: s.retry.attempts, backoffMs: 0 };

  const options: OnEventOptions<Poke> = {
    ...(s.retry.on === 'handler' ? { retry } : {}),
    ...(s.timeoutMs === undefined ? {} : { timeoutMs: s.timeoutMs }),
  };
  const when = s.when;
  if (when)
    options.when = () => {
      const r = perform(when);
      seen.when.push(
        !r ? 'falsy' : typeof r === 'object' || typeof r === 'function' ? 'object' : 'truthy',
      );
      return r as boolean;
    };
  @EventHandler()
  class Hostile {
    @OnEvent(Poke, options)
    poke(): unknown {
      return perform(s.handler);
    }
  }
  @EventHandler()
  class Sibling {
    seen: number[] = [];
    @OnEvent(Poke, { order: s.sibling?.order ?? 0 })
    poke(e: Poke): void {
      this.seen.push(e.n);
    }
  }

  const hooks: BusHooks = {};
  for (const name of HOOKS) {
    const mode = s.hooks[name];
    if (mode === 'absent') continue;
    (hooks as Record<string, unknown>)[name] = (arg: unknown) => {
      calls[name].push(arg);
      return mode === 'record' ? undefined : perform(mode);
    };
  }

  const logger = {} as Logger;
  for (const level of LEVELS) {
    const mode = s.logger[level];
    logger[level] =
      mode === 'silent'
        ? () => {}
        : mode === 'inspect'
          ? (obj, msg) => {
              format(msg ?? '', obj);
            }
          : () => {
              perform(mode);
            };
  }

  const shouldRetry = s.shouldRetry;
  const bus = createEventBus({
    handlers: s.sibling ? [Hostile, Sibling, Healthy] : [Hostile, Healthy],
    logger,
    hooks,
    ...(s.retry.on === 'bus' ? { defaultRetry: retry } : {}),
    ...(shouldRetry
      ? {
          shouldRetry: () => {
            try {
              const r = perform(shouldRetry);
              seen.decisions.push(r !== false);
              return r as boolean;
            } catch (err) {
              seen.decisions.push(false);
              throw err;
            }
          },
        }
      : {}),
  });
  return {
    bus,
    calls,
    seen,
    sibling: s.sibling ? bus.resolver.get(Sibling) : undefined,
    healthy: bus.resolver.get(Healthy),
  };
}

const HOSTILE_ID = 'Hostile.poke';
const IDLE = { buffered: 0, openScopes: 0, queued: 0, dispatching: 0, retrying: 0, publishing: 0 };

/**
 * Unhandled rejections and uncaught exceptions, caught on the host process.
 * Jest gives a test file a copy of `process` whose listeners Node never calls;
 * jest-circus listens on the real one and fails the running test, but then
 * fast-check cannot shrink the case, and jest-circus itself crashes printing
 * a hostile reason (a proxy whose traps throw). So for this file ours are the
 * only listeners on the host process; Jest's are put back afterwards.
 */
const hostProcess = runInThisContext('process') as NodeJS.Process;
const EVENTS = ['unhandledRejection', 'uncaughtException'] as const;
const faults = {
  seen: [] as unknown[],
  saved: new Map<string, Function[]>(),
  on(reason: unknown) {
    faults.seen.push(reason);
  },
  install() {
    for (const event of EVENTS) {
      faults.saved.set(event, hostProcess.rawListeners(event));
      hostProcess.removeAllListeners(event);
      hostProcess.on(event, faults.on);
    }
  },
  uninstall() {
    for (const event of EVENTS) {
      hostProcess.off(event, faults.on);
      for (const listener of faults.saved.get(event) ?? [])
        hostProcess.on(event, listener as (...args: unknown[]) => void);
    }
  },
};
beforeAll(() => faults.install());
afterAll(async () => {
  await nextTurn();
  faults.uninstall();
  expect(escaped()).toEqual([]);
});

/** What escaped to the process, printable (the raw values may be hostile to a printer too). */
function escaped(): string[] {
  return faults.seen.map((v) => {
    try {
      return v instanceof Error
        ? `${v.name}: ${v.message}\n${v.stack}`
        : `${typeof v}: ${String(v)}`;
    } catch {
      return `an unprintable ${typeof v}`;
    }
  });
}

const handlerIdOf = (arg: unknown) => (arg as { handlerId?: string }).handlerId;
const envelopeIdOf = (arg: unknown) => (arg as { envelope: { id: string } }).envelope.id;

/** The hostile handler's outcome is one of the three, as many attempts as the policy allows. */
function checkReport(
  s: Scenario,
  report: DispatchReport,
  bus: EventBus,
  calls: Record<HookName, unknown[]>,
  seen: Seen,
) {
  expect(report.outcomes.map((o) => o.handlerId).sort()).toEqual(
    s.sibling ? [HOSTILE_ID, 'Sibling.poke'] : [HOSTILE_ID],
  );
  if (s.sibling) expect(report.outcome('Sibling.poke')?.status).toBe('succeeded');
  const o = report.outcome(HOSTILE_ID)!;
  const attempts = s.retry.attempts;
  expect(['succeeded', 'failed', 'skipped']).toContain(o.status);
  expect(o.attempts).toBeLessThanOrEqual(attempts);

  // What the outcome must be, where the scenario decides it. (A `when` that
  // returns an object, a promise say, is left open: passing or failing.)
  const vetoAt = seen.decisions.indexOf(false);
  const failedAttempts = vetoAt === -1 ? attempts : vetoAt + 1;
  const handlerRuns = s.when === undefined || seen.when[0] === 'truthy';
  if (o.status === 'skipped') expect(o.attempts).toBe(0);
  else expect(o.attempts).toBeGreaterThanOrEqual(1);
  if (s.when?.how === 'throw') {
    expect([o.status, o.attempts]).toEqual(['failed', 1]);
  } else if (seen.when[0] === 'falsy') {
    expect([o.status, o.attempts]).toEqual(['skipped', 0]);
  } else if (handlerRuns && ['throw', 'reject', 'rejectNow', 'hang'].includes(s.handler.how)) {
    expect([o.status, o.attempts]).toEqual(['failed', failedAttempts]);
  } else if (handlerRuns && o.status === 'failed') {
    expect(o.attempts).toBe(failedAttempts);
  }
  if (o.status === 'failed') expect(o.error).toBeInstanceOf(Error);

  // Each failed attempt reported once; a final failure dead-lettered once.
  const id = report.envelope.id;
  const mine = (arg: unknown) => handlerIdOf(arg) === HOSTILE_ID && envelopeIdOf(arg) === id;
  const failures = o.status === 'failed' ? o.attempts : o.status === 'skipped' ? 0 : o.attempts - 1;
  const letters = o.status === 'failed' ? 1 : 0;
  if (s.hooks.onError !== 'absent') expect(calls.onError.filter(mine)).toHaveLength(failures);
  if (s.hooks.onDeadLetter !== 'absent')
    expect(calls.onDeadLetter.filter(mine)).toHaveLength(letters);
  expect(bus.deadLetters.filter(mine)).toHaveLength(letters);
  if (o.status === 'failed') expect(bus.deadLetters.find(mine)?.attempts).toBe(o.attempts);
}

async function runCase(s: Scenario): Promise<void> {
  faults.seen.length = 0;
  const { bus, calls, seen, sibling, healthy } = buildCase(s);

  // dispatch(): a report with one outcome per matching handler.
  const report = await bus.dispatch(new Poke(1));
  checkReport(s, report, bus, calls, seen);

  // emit() + drain(): a DrainTimeoutError here is a leaked slot.
  seen.when.length = 0;
  seen.decisions.length = 0;
  const envelope = bus.emit(new Poke(2));
  expect(envelope).toBeDefined();
  await bus.drain(2_000);
  expect(bus.deadLetters.filter((l) => l.envelope.id === envelope?.id).length).toBeLessThanOrEqual(
    1,
  );
  if (sibling) expect(sibling.seen).toEqual([1, 2]);

  // Late rejections surface on the next turn.
  await nextTurn();
  expect(escaped()).toEqual([]);
  expect(bus.pending()).toEqual(IDLE);
  expect(bus.internalFaults).toBe(0);
  if (s.hooks.onDispatched !== 'absent')
    expect(calls.onDispatched.length).toBeGreaterThanOrEqual(2);

  // A normal event is still dispatched, by emit and by dispatch.
  bus.emit(new Normal(3));
  await bus.drain(2_000);
  expect(healthy.seen).toEqual([3]);
  const normal = await bus.dispatch(new Normal(4));
  expect(normal.outcomes.map((o) => [o.handlerId, o.status])).toEqual([
    ['Healthy.normal', 'succeeded'],
  ]);
  expect(healthy.seen).toEqual([3, 4]);

  await expect(bus.close(1_000)).resolves.toMatchObject({ drained: true });
  await nextTurn();
  expect(escaped()).toEqual([]);
  expect(bus.internalFaults).toBe(0);
}

const NUM_RUNS = 600;

test(`generated hostile handlers, predicates, hooks and loggers never crash the bus or leak a slot (${NUM_RUNS} cases)`, async () => {
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await fc.assert(fc.asyncProperty(scenarioArb, runCase), {
      numRuns: NUM_RUNS,
      includeErrorInReport: true,
    });
  } catch (err) {
    // Only the text: the error's cause may hold a hostile value no printer survives.
    throw new Error((err as Error).message);
  } finally {
    stderr.mockRestore();
  }
}, 60_000);

// The smallest cases the property found, pinned so that each fails every time
// until the bus handles it (fast-check finds the 2nd and 3rd only in some runs:
// they need a getter that works once, then throws).
describe('shrunk counterexamples', () => {
  test('a `when` that returns a rejected promise leaves no unhandled rejection', async () => {
    faults.seen.length = 0;
    @EventHandler()
    class AsyncWhen {
      @OnEvent(Poke, { when: (() => Promise.reject(new Map())) as never })
      poke(): void {}
    }
    const bus = createEventBus({ handlers: [AsyncWhen], logger: silentLogger });
    const report = await bus.dispatch(new Poke(1));
    expect(report.outcomes).toHaveLength(1);
    await nextTurn();
    expect(escaped()).toEqual([]);
  });

  test('a hook whose promise fulfils with a value whose `then` getter throws on its 2nd read leaves no unhandled rejection', async () => {
    faults.seen.length = 0;
    const bus = createEventBus({
      handlers: [Healthy],
      logger: silentLogger,
      hooks: { onDispatched: (async () => poison({}, ['then'], 2)) as never },
    });
    await bus.dispatch(new Normal(1));
    await nextTurn();
    expect(escaped()).toEqual([]);
  });

  test('a returned event whose `constructor` getter throws from its 2nd read is no internal fault', async () => {
    faults.seen.length = 0;
    @EventHandler()
    class ReturnsFlakyEvent {
      @OnEvent(Poke)
      poke(): unknown {
        return poison(new Weird(), ['constructor'], 2);
      }
    }
    const bus = createEventBus({ handlers: [ReturnsFlakyEvent], logger: silentLogger });
    const report = await bus.dispatch(new Poke(1));
    expect(report.outcomes.map((o) => o.status)).toEqual(['succeeded']);
    await bus.drain(2_000);
    await nextTurn();
    expect(escaped()).toEqual([]);
    expect(bus.pending()).toEqual(IDLE);
    expect(bus.internalFaults).toBe(0);
  });
});
