import {
  getFromContainer,
  getMetadataStorage,
  type ValidationError,
  Validator,
  type ValidatorOptions,
  validate,
} from 'class-validator';

/**
 * class-validator's `validate(instance, options)`, with the per-class work it
 * repeats on every call done once per class: finding the class's validation
 * metadata (its own and inherited: class-validator scans every class it knows
 * for ancestors, on every call and for every nested object) and grouping it
 * by property. The errors are class-validator's own, the same as `validate`
 * gives (test/kernel/validate-cached.test.ts checks it on random input).
 *
 * It answers synchronously when no asynchronous constraint (a custom
 * validator with `async: true`, a promise-valued property) is pending — the
 * errors — and with a promise of them otherwise: the HTTP DTO pipeline uses
 * that so that a route whose DTO has only synchronous rules makes no promise.
 *
 * A class's cached metadata is recomputed when class-validator learns a new
 * class or a new rule for it or an ancestor (decorators of a class defined
 * later, `registerDecorator`). Validation groups are not cached (they go to
 * `validate`), and neither is anything when the installed class-validator is
 * not shaped as the 0.14/0.15 line we read (then this is `validate`).
 *
 * @example
 * ```ts
 * const errors = await validateCached(plainToInstance(RegisterUserDto, body), { whitelist: true });
 * ```
 */
export function validateCached(
  instance: object,
  options: ValidatorOptions,
): ValidationError[] | Promise<ValidationError[]> {
  const engine = cachedEngine();
  if (!engine || (options.groups && options.groups.length > 0)) return validate(instance, options);
  const executor = new engine.Executor(getFromContainer(Validator), options);
  executor.metadataStorage = engine.storage;
  const errors: ValidationError[] = [];
  executor.execute(instance, undefined, errors);
  if (executor.awaitingPromises.length === 0) return executor.stripEmptyErrors(errors);
  return Promise.all(executor.awaitingPromises).then(() => executor.stripEmptyErrors(errors));
}

// class-validator's internals this reads (0.14–0.15): ValidationExecutor and its
// `metadataStorage` field; MetadataStorage's `validationMetadatas` map and its
// two lookup methods. Checked once; any mismatch → plain `validate`.

interface Executor {
  metadataStorage: object;
  awaitingPromises: Promise<unknown>[];
  execute(object: object, schema: string | undefined, errors: ValidationError[]): void;
  stripEmptyErrors(errors: ValidationError[]): ValidationError[];
}
type ExecutorClass = new (validator: Validator, options: ValidatorOptions) => Executor;

interface Storage {
  validationMetadatas: Map<unknown, unknown[]>;
  getTargetValidationMetadatas(
    target: unknown,
    schema: unknown,
    always: boolean,
    strictGroups: boolean,
    groups?: string[],
  ): unknown[];
  groupByPropertyName(metadatas: unknown[]): Record<string, unknown[]>;
}

interface Engine {
  Executor: ExecutorClass;
  storage: Storage;
}

let engine: Engine | null | undefined;

function cachedEngine(): Engine | null {
  if (engine === undefined) engine = loadEngine();
  return engine;
}

function loadEngine(): Engine | null {
  try {
    const { ValidationExecutor } = require('class-validator/cjs/validation/ValidationExecutor') as {
      ValidationExecutor?: ExecutorClass;
    };
    const real = getMetadataStorage() as unknown as Partial<Storage>;
    if (
      typeof ValidationExecutor !== 'function' ||
      !(real.validationMetadatas instanceof Map) ||
      typeof real.getTargetValidationMetadatas !== 'function' ||
      typeof real.groupByPropertyName !== 'function'
    )
      return null;
    const probe = new ValidationExecutor(getFromContainer(Validator), {});
    if (
      probe.metadataStorage !== real ||
      typeof probe.execute !== 'function' ||
      typeof probe.stripEmptyErrors !== 'function' ||
      !Array.isArray(probe.awaitingPromises)
    )
      return null;
    return { Executor: ValidationExecutor, storage: cachingStorage(real as Storage) };
  } catch {
    return null;
  }
}

interface Cached {
  version: number;
  always: boolean;
  strictGroups: boolean;
  metadatas: unknown[];
}

/**
 * The real storage, seen through an object whose two lookups are cached per
 * class; every other member (constraints, `hasValidationMetaData`) is the
 * real one, through the prototype.
 */
function cachingStorage(real: Storage): Storage {
  // Per class, per schema: class-validator validates a nested object with the
  // parent's class name as `schema`, and metadata registered for that name applies.
  const byTarget = new WeakMap<object, Map<unknown, Cached>>();
  const grouped = new WeakMap<unknown[], Record<string, unknown[]>>();
  const storage = Object.create(real) as Storage;
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (typeof target !== 'function' || (groups && groups.length > 0))
      return real.getTargetValidationMetadatas(target, schema, always, strictGroups, groups);
    const version = metadataVersion(real.validationMetadatas, target);
    let bySchema = byTarget.get(target);
    if (!bySchema) {
      bySchema = new Map();
      byTarget.set(target, bySchema);
    }
    const hit = bySchema.get(schema);
    if (
      hit &&
      hit.version === version &&
      hit.always === always &&
      hit.strictGroups === strictGroups
    )
      return hit.metadatas;
    const metadatas = real.getTargetValidationMetadatas(
      target,
      schema,
      always,
      strictGroups,
      groups,
    );
    bySchema.set(schema, { version, always, strictGroups, metadatas });
    return metadatas;
  };
  storage.groupByPropertyName = (metadatas) => {
    let byProperty = grouped.get(metadatas);
    if (!byProperty) {
      byProperty = real.groupByPropertyName(metadatas);
      grouped.set(metadatas, byProperty);
    }
    return byProperty;
  };
  return storage;
}

/**
 * Changes whenever what class-validator would find for `target` can change:
 * metadata is only ever added, to a new class (the map grows) or to `target`
 * or an ancestor (its list grows).
 */
function metadataVersion(
  metadatas: Map<unknown, unknown[]>,
  target: { prototype?: unknown },
): number {
  let version = metadatas.size;
  for (let proto = target.prototype; proto; proto = Object.getPrototypeOf(proto)) {
    const owner = (proto as { constructor?: unknown }).constructor;
    version += (metadatas.get(owner)?.length ?? 0) * 1_000_003;
  }
  return version;
}
