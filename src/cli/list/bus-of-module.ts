import type { EventBus } from '../../bus/event-bus';
import { appNotFound } from './app-not-found';

/**
 * The bus an entry module exports: the `--export` named (an app, a bus, or a
 * function called with no arguments that returns one, awaited), or else the
 * first export that is an app or a bus (`default` first). `built` is true
 * when a factory made it, so the caller closes it.
 *
 * @example
 * ```ts
 * const { bus } = await busOfModule(require('./app'), 'createShopApp', 'src/app.ts');
 * ```
 */
export async function busOfModule(
  mod: Record<string, unknown>,
  name: string | undefined,
  entry: string,
): Promise<{ bus: EventBus; built: boolean }> {
  if (name === undefined) {
    for (const value of [mod.default, ...Object.values(mod)]) {
      const bus = asBus(value);
      if (bus) return { bus, built: false };
    }
    const factories = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw appNotFound(
      `${entry} exports no app or bus (its exports: ${describeExports(mod)}).${factories.length > 0 ? ` If ${factories.join(' or ')} builds the app, pass --export ${factories[0]}.` : ''}`,
    );
  }
  if (!Object.hasOwn(mod, name))
    throw appNotFound(`${entry} has no export '${name}' (its exports: ${describeExports(mod)}).`);
  const value = mod[name];
  if (typeof value !== 'function') {
    const bus = asBus(value);
    if (!bus) throw appNotFound(`${entry}'s '${name}' is not an app, a bus, or a factory of one.`);
    return { bus, built: false };
  }
  let made: unknown;
  try {
    made = await (value as () => unknown)();
  } catch (err) {
    throw appNotFound(
      `${name}() threw: ${String((err as Error)?.message ?? err).split('\n')[0]}`,
      err,
    );
  }
  const bus = asBus(made);
  if (!bus) throw appNotFound(`${name}() returned neither an app nor a bus.`);
  return { bus, built: true };
}

// Duck-typed: the entry's copy of koa-event-bus may not be this one.
function asBus(value: unknown): EventBus | undefined {
  const isBus = (v: unknown): v is EventBus =>
    typeof v === 'object' && v !== null && typeof (v as EventBus).describe === 'function';
  if (isBus(value)) return value;
  const inner = (value as { bus?: unknown } | null | undefined)?.bus;
  return isBus(inner) ? inner : undefined;
}

function describeExports(mod: Record<string, unknown>): string {
  const names = Object.keys(mod).filter((k) => k !== '__esModule');
  return names.length === 0 ? 'none' : names.join(', ');
}
