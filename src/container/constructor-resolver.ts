import type { Class, ConcreteClass } from '../kernel/class';
import { CircularDependencyError, UnresolvableDependencyError } from '../kernel/errors';
import { isMarkedInjectable, readInjectTokens, readParamTypes } from './metadata';
import type { ExternalResolver, Provider, Resolver } from './provider';
import { type Token, tokenName } from './token';

type Registration =
  | { kind: 'value'; value: unknown }
  | { kind: 'factory'; factory: (r: Resolver) => unknown }
  | { kind: 'class'; cls: Class };

const NOT_FOUND = Symbol('not-found');

// Types TypeScript emits for parameters it cannot name at runtime (interfaces,
// unions, primitives): never constructible, so they get a precise error.
const UNRESOLVABLE_DESIGN_TYPES = new Set<unknown>([
  Object,
  String,
  Number,
  Boolean,
  Symbol,
  Array,
  Function,
  Promise,
]);

/**
 * The default resolver: values and factories from `providers`, then the user's
 * container (`resolve`), then constructor injection from `design:paramtypes`.
 * One instance per class per resolver (so two buses never share handler
 * instances).
 *
 * @example
 * ```ts
 * const resolver = new ConstructorResolver([[Mailer, fakeMailer]]);
 * const handler = resolver.get(SendWelcomeEmail);
 * ```
 */
export class ConstructorResolver implements Resolver {
  private readonly registrations = new Map<Token, Registration>();
  private readonly instances = new Map<Token, unknown>();
  private readonly building: Token[] = [];
  private readonly external: ((token: Token) => unknown) | undefined;

  constructor(providers: readonly Provider[] = [], external?: ExternalResolver) {
    for (const p of providers) this.register(p);
    this.external =
      external === undefined
        ? undefined
        : typeof external === 'function'
          ? external
          : (t: Token) => external.get(t);
  }

  /** Adds (or replaces) a registration. Replacing drops a cached instance. */
  register(provider: Provider): this {
    if (Array.isArray(provider)) {
      const [token, value] = provider as readonly [Token, unknown];
      this.registrations.set(token, { kind: 'value', value });
      this.instances.delete(token);
      return this;
    }
    const p = provider as Exclude<Provider, readonly [Token, unknown]>;
    if ('useValue' in p) this.registrations.set(p.provide, { kind: 'value', value: p.useValue });
    else if ('useFactory' in p)
      this.registrations.set(p.provide, { kind: 'factory', factory: p.useFactory });
    else this.registrations.set(p.provide, { kind: 'class', cls: p.useClass });
    this.instances.delete(p.provide);
    return this;
  }

  get<T>(token: Token<T>): T {
    if (this.instances.has(token)) return this.instances.get(token) as T;
    if (this.building.includes(token)) {
      throw new CircularDependencyError([...this.building, token].map(tokenName));
    }
    this.building.push(token);
    try {
      const value = this.build(token);
      this.instances.set(token, value);
      return value as T;
    } finally {
      this.building.pop();
    }
  }

  private build(token: Token): unknown {
    const reg = this.registrations.get(token);
    if (reg?.kind === 'value') return reg.value;
    if (reg?.kind === 'factory') return reg.factory(this);
    if (reg?.kind === 'class') return this.construct(reg.cls);
    const fromExternal = this.external ? this.tryExternal(token) : NOT_FOUND;
    if (fromExternal !== NOT_FOUND) return fromExternal;
    if (typeof token !== 'function') {
      const requester = this.building.at(-2);
      throw new UnresolvableDependencyError(
        requester ? tokenName(requester) : '(root)',
        -1,
        `nothing is registered for token ${tokenName(token)}`,
        `Add it to \`providers\`: [[${tokenName(token)}, value]].`,
      );
    }
    return this.construct(token);
  }

  private tryExternal(token: Token): unknown {
    const value = this.external?.(token);
    return value === undefined ? NOT_FOUND : value;
  }

  private construct(cls: Class): unknown {
    const name = tokenName(cls);
    const injected = readInjectTokens(cls);
    const arity = cls.length;
    const paramTypes = readParamTypes(cls);
    if (paramTypes === undefined && arity > injected.size) {
      const missing = firstMissing(arity, injected);
      throw new UnresolvableDependencyError(
        name,
        missing,
        'no constructor type metadata was emitted for this class',
        isMarkedInjectable(cls)
          ? 'Enable "emitDecoratorMetadata" (and "experimentalDecorators") in tsconfig, and compile with tsc/ts-jest/ts-node: esbuild and tsx do not emit it. Or use @Inject(Token) on each parameter.'
          : `Decorate ${name} with @Injectable() (or @EventHandler()/@Controller()), enable "emitDecoratorMetadata", and load 'reflect-metadata' first. Or use @Inject(Token) on each parameter, or a provider.`,
      );
    }
    const count = Math.max(arity, paramTypes?.length ?? 0);
    const args: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const token = injected.get(i) ?? paramTypes?.[i];
      if (
        token === undefined ||
        (typeof token === 'function' &&
          UNRESOLVABLE_DESIGN_TYPES.has(token) &&
          !this.registrations.has(token as Token))
      ) {
        throw new UnresolvableDependencyError(
          name,
          i,
          token === undefined
            ? 'its type is unknown at runtime (a type-only import, a circular import, or an interface)'
            : `its type was emitted as ${tokenName(token as Token)}: an interface, union or primitive, or a class imported with \`import type\` (import it as a value)`,
        );
      }
      if (typeof token !== 'function' && typeof token !== 'string' && typeof token !== 'symbol') {
        throw new UnresolvableDependencyError(name, i, `unexpected token ${String(token)}`);
      }
      args.push(this.get(token as Token));
    }
    return new (cls as ConcreteClass)(...args);
  }
}

function firstMissing(arity: number, injected: ReadonlyMap<number, Token>): number {
  for (let i = 0; i < arity; i++) if (!injected.has(i)) return i;
  return 0;
}
