/**
 * ─── SLOT: koa-event-bus ───────────────────────────────────────────────────────────────────────
 * Our package, imported from the repository's src/ (never a dependency of bench/).
 * Not wired yet: src/index.ts did not export createEventBus when these benches were written.
 * To wire it: replace this file's body with a static import of '../../src/index' and set `ours`.
 * Every bench checks `ours` and prints "not wired" in its rows while it is undefined.
 */
// biome-ignore lint/suspicious/noExplicitAny: the API is not there yet to be typed
export const ours: any = undefined;
export const oursMissing = 'koa-event-bus not wired (src/index.ts has no createEventBus yet)';
