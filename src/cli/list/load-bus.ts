import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { globSync } from 'tinyglobby';
import { createEventBus } from '../../bus/create-event-bus';
import type { EventBus } from '../../bus/event-bus';
import { discoverHandlers } from '../../handlers/discover-handlers';
import type { Class } from '../../kernel/class';
import { silentLogger } from '../../kernel/logger';
import { appNotFound } from './app-not-found';
import { busOfModule } from './bus-of-module';
import { idleResolver } from './idle-resolver';
import type { ListCommand } from './list-command';
import { registerTsLoader } from './register-ts-loader';

/** A bus to describe, and the handler classes it was built from. */
export interface LoadedBus {
  readonly bus: EventBus;
  readonly classes: readonly Class[];
  /** Closes what `list` built itself (discovery, a factory's app); an exported app is left alone. */
  close(): Promise<void>;
}

/**
 * Gets the bus of the project: from an entry module's export (an app with a
 * `bus`, a bus, or a factory named with `--export` and called with no
 * arguments), or a bus built from the handler classes that discovery globs
 * find, without building any of them.
 *
 * @example
 * ```ts
 * const { bus } = await loadBus({ entry: 'src/app.ts', export: 'createShopApp' }, process.cwd());
 * ```
 */
export async function loadBus(source: ListCommand['source'], cwd: string): Promise<LoadedBus> {
  if ('discover' in source) return discoveredBus(source.discover, cwd);
  const file = path.resolve(cwd, source.entry);
  if (!existsSync(file)) throw appNotFound(`--entry ${source.entry}: no such file in ${cwd}.`);
  registerTsLoader(file, cwd);
  let mod: Record<string, unknown>;
  try {
    mod = require(file) as Record<string, unknown>;
  } catch (err) {
    throw appNotFound(`${source.entry} threw while loading: ${firstLine(err)}`, err);
  }
  const { bus, built } = await busOfModule(mod, source.export, source.entry);
  const options = bus.options ?? {};
  const discovered = options.discover
    ? discoverHandlers(options.discover, { cwd: options.discoverCwd ?? cwd })
    : [];
  return {
    bus,
    classes: [...(options.handlers ?? []), ...discovered],
    close: async () => {
      if (built) await bus.close().catch(() => {});
    },
  };
}

function discoveredBus(globs: readonly string[], cwd: string): LoadedBus {
  const named = globs.map((g) => `'${g}'`).join(', ');
  const files = globSync([...globs], {
    cwd,
    absolute: true,
    ignore: ['**/node_modules/**', '**/*.d.ts'],
  });
  if (files.length === 0) throw appNotFound(`--discover ${named} matches no file in ${cwd}.`);
  const typescriptFile = files.find((f) => /\.[cm]?tsx?$/.test(f));
  if (typescriptFile) registerTsLoader(typescriptFile, cwd);
  let classes: Class[];
  try {
    classes = discoverHandlers(globs, { cwd });
  } catch (err) {
    throw appNotFound(`--discover ${named}: ${firstLine(err)}`, err);
  }
  if (classes.length === 0)
    throw appNotFound(`--discover ${named} matches files that export no handler class.`);
  const bus = createEventBus({ handlers: classes, resolver: idleResolver, logger: silentLogger });
  return { bus, classes, close: () => bus.close().then(() => undefined) };
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}
