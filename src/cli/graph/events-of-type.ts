import type * as ts from 'typescript';
import type { TypeScript } from './load-typescript';

/** Why an emit's event class is not known statically. */
export type UnresolvedReason = 'union' | 'any' | 'unknown' | 'not-a-class';

/** The event classes a type stands for. */
export interface TypeEvents {
  /** Class symbols: the event, or (unresolved `union`) the candidates. */
  readonly classes: readonly ts.Symbol[];
  /** Set when the type does not name exactly one event class (emit) or only classes (return). */
  readonly unresolved?: { readonly reason: UnresolvedReason; readonly type: string };
}

const NOTHING: TypeEvents = { classes: [] };

/**
 * The event class of `bus.emit(x)` / `ctx.emit(x)` from the type of `x`: a
 * class instance type is that class (a subclass is the subclass); a union,
 * `any`, `unknown` or a non-class type is unresolved (a union keeps its
 * member classes as candidates).
 *
 * @example
 * ```ts
 * emittedEvents(ts, checker, checker.getTypeAtLocation(call.arguments[0]));
 * ```
 */
export function emittedEvents(ts: TypeScript, checker: ts.TypeChecker, type: ts.Type): TypeEvents {
  const members = type.isUnion() ? type.types.filter((t) => !isNothing(ts, t)) : [type];
  const typeText = checker.typeToString(type);
  if (members.length > 1) {
    const classes = members.map((t) => classOf(ts, t)).filter((s) => s !== undefined);
    return { classes, unresolved: { reason: 'union', type: typeText } };
  }
  const only = members[0] ?? type;
  const cls = classOf(ts, only);
  if (cls) return { classes: [cls] };
  return { classes: [], unresolved: { reason: vague(ts, only) ?? 'not-a-class', type: typeText } };
}

/**
 * The follow-ups of a handler from its return type, as the bus collects them:
 * the awaited value, an event instance or an array (or tuple) of them; a
 * union contributes each member class. `void`, primitives and plain object
 * types are results, not events. `any`/`unknown` are unresolved.
 *
 * @example
 * ```ts
 * returnedEvents(ts, checker, signature.getReturnType()); // Promise<WelcomeEmailSent> → [WelcomeEmailSent]
 * ```
 */
export function returnedEvents(ts: TypeScript, checker: ts.TypeChecker, type: ts.Type): TypeEvents {
  const awaited = checker.getAwaitedType(type) ?? type;
  const reason = vague(ts, awaited);
  if (reason) return { classes: [], unresolved: { reason, type: checker.typeToString(type) } };
  if (awaited.isUnion()) {
    const parts = awaited.types.map((t) => returnedEvents(ts, checker, t));
    const unresolved = parts.find((p) => p.unresolved)?.unresolved;
    const classes = unique(parts.flatMap((p) => p.classes));
    return unresolved ? { classes, unresolved } : { classes };
  }
  if (checker.isArrayType(awaited) || checker.isTupleType(awaited)) {
    const items = checker.getTypeArguments(awaited as ts.TypeReference);
    const parts = items.map((t) => returnedEvents(ts, checker, t));
    const unresolved = parts.find((p) => p.unresolved)?.unresolved;
    const classes = unique(parts.flatMap((p) => p.classes));
    return unresolved ? { classes, unresolved } : { classes };
  }
  const cls = classOf(ts, awaited);
  return cls ? { classes: [cls] } : NOTHING;
}

function classOf(ts: TypeScript, type: ts.Type): ts.Symbol | undefined {
  const s = type.getSymbol();
  return s && s.flags & ts.SymbolFlags.Class ? s : undefined;
}

function vague(ts: TypeScript, type: ts.Type): 'any' | 'unknown' | undefined {
  if (type.flags & ts.TypeFlags.Any) return 'any';
  if (type.flags & ts.TypeFlags.Unknown) return 'unknown';
  return undefined;
}

function isNothing(ts: TypeScript, type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) !== 0;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
