import type * as ts from 'typescript';
import { type CodeUnit, codeUnitOf } from './code-unit';
import { emittedEvents, returnedEvents, type TypeEvents } from './events-of-type';
import { declarationsAt, type FrameworkSymbols, refersTo } from './framework-symbols';
import type { TypeScript } from './load-typescript';

/** A controller method with a route decorator. */
export interface RouteFact {
  readonly unit: CodeUnit;
  readonly verb: string;
  /** Controller prefix + route path, as written (`?` where not a string literal). */
  readonly prefix: string;
  readonly path: string;
}

/** One `@OnEvent(…)` of a method. */
export interface HandlerFact {
  readonly id: string;
  readonly unit: CodeUnit;
  /** The event classes of the decorator's first argument. */
  readonly events: readonly TypeEvents[];
  readonly includeSubclasses: boolean;
  /** What the method returns: its follow-ups. */
  readonly returns: TypeEvents;
}

/** One `bus.emit(x)`, `bus.dispatch(x)` or `ctx.emit(x)`. */
export interface EmitFact {
  readonly unit: CodeUnit;
  readonly events: TypeEvents;
  /** The argument, for the unresolved node's label and position. */
  readonly argument: ts.Expression;
}

/** What `scanProject` found, before it becomes a graph. */
export interface ProjectFacts {
  readonly routes: RouteFact[];
  readonly handlers: HandlerFact[];
  readonly emits: EmitFact[];
  /** Unit → the units of the analysed files it calls (by node). */
  readonly calls: Map<ts.Node, Map<ts.Node, CodeUnit>>;
  /** `@Event('wire.name')` classes and their wire names. */
  readonly eventClasses: Map<ts.Symbol, string | undefined>;
}

/**
 * Walks the analysed files once and records routes, handlers, emits and
 * calls, each recognised through the type checker by the koa-event-bus
 * declaration it refers to.
 *
 * @example
 * ```ts
 * const facts = scanProject(ts, program, files, frameworkSymbols(ts, program, files, cwd));
 * ```
 */
export function scanProject(
  ts: TypeScript,
  program: ts.Program,
  files: readonly ts.SourceFile[],
  fw: FrameworkSymbols,
): ProjectFacts {
  const checker = program.getTypeChecker();
  const analysed = new Set(files);
  const facts: ProjectFacts = {
    routes: [],
    handlers: [],
    emits: [],
    calls: new Map(),
    eventClasses: new Map(),
  };
  const decoratorsOf = (n: ts.Node) =>
    (ts.canHaveDecorators(n) ? (ts.getDecorators(n) ?? []) : [])
      .map((d) => d.expression)
      .filter(ts.isCallExpression);
  const literal = (e: ts.Expression | undefined, fallback: string) =>
    e === undefined ? fallback : ts.isStringLiteralLike(e) ? e.text : '?';
  const option = (call: ts.CallExpression, index: number, name: string) => {
    const arg = call.arguments[index];
    if (!arg || !ts.isObjectLiteralExpression(arg)) return undefined;
    const p = arg.properties.find(
      (x): x is ts.PropertyAssignment => ts.isPropertyAssignment(x) && x.name.getText() === name,
    );
    return p?.initializer;
  };

  const visitClass = (cls: ts.ClassDeclaration) => {
    const symbol = cls.name && checker.getSymbolAtLocation(cls.name);
    let prefix: string | undefined;
    let idPrefix = cls.name?.getText() ?? '(class)';
    for (const d of decoratorsOf(cls)) {
      if (symbol && refersTo(ts, checker, d.expression, fw.event))
        facts.eventClasses.set(symbol, literal(d.arguments[0], '') || undefined);
      if (refersTo(ts, checker, d.expression, fw.controller)) prefix = literal(d.arguments[0], '');
      if (refersTo(ts, checker, d.expression, fw.eventHandler)) {
        const p = option(d, 0, 'idPrefix');
        if (p && ts.isStringLiteralLike(p)) idPrefix = p.text;
      }
    }
    for (const member of cls.members) {
      if (!ts.isMethodDeclaration(member)) continue;
      const unit = codeUnitOf(ts, member);
      for (const d of decoratorsOf(member)) {
        const verb = declarationsAt(ts, checker, d.expression)
          .map((x) => fw.routes.get(x))
          .find((v) => v !== undefined);
        if (verb && prefix !== undefined)
          facts.routes.push({ unit, verb, prefix, path: literal(d.arguments[0], '/') });
        if (refersTo(ts, checker, d.expression, fw.onEvent))
          facts.handlers.push(handlerFact(d, unit, `${idPrefix}.${member.name.getText()}`, member));
      }
    }
  };

  const handlerFact = (
    d: ts.CallExpression,
    unit: CodeUnit,
    defaultId: string,
    method: ts.MethodDeclaration,
  ): HandlerFact => {
    const first = d.arguments[0];
    const targets = first && ts.isArrayLiteralExpression(first) ? [...first.elements] : [first];
    const events = targets
      .filter((t) => t !== undefined)
      .map((t) => {
        const instance = checker.getTypeAtLocation(t).getConstructSignatures()[0]?.getReturnType();
        return instance
          ? emittedEvents(ts, checker, instance)
          : { classes: [], unresolved: { reason: 'not-a-class' as const, type: t.getText() } };
      });
    const id = option(d, 1, 'id');
    const signature = checker.getSignatureFromDeclaration(method);
    return {
      id: id && ts.isStringLiteralLike(id) ? id.text : defaultId,
      unit,
      events,
      includeSubclasses: option(d, 1, 'includeSubclasses')?.kind === ts.SyntaxKind.TrueKeyword,
      returns: signature
        ? returnedEvents(ts, checker, checker.getReturnTypeOfSignature(signature))
        : { classes: [] },
    };
  };

  const visitCall = (call: ts.CallExpression | ts.NewExpression) => {
    if (ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression)) {
      if (refersTo(ts, checker, call.expression, fw.emitters)) {
        const argument = call.arguments[0];
        if (argument) {
          const type = checker.getTypeAtLocation(argument);
          const events = emittedEvents(ts, checker, type);
          facts.emits.push({ unit: codeUnitOf(ts, call), events, argument });
        }
        return;
      }
    }
    const declaration = checker.getResolvedSignature(call)?.getDeclaration();
    if (!declaration || !analysed.has(declaration.getSourceFile())) return;
    const callee = codeUnitOf(ts, declaration);
    const caller = codeUnitOf(ts, call).node;
    if (callee.node === caller) return;
    const callees = facts.calls.get(caller) ?? new Map<ts.Node, CodeUnit>();
    callees.set(callee.node, callee);
    facts.calls.set(caller, callees);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node)) visitClass(node);
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) visitCall(node);
    ts.forEachChild(node, visit);
  };
  for (const file of files) visit(file);
  return facts;
}
