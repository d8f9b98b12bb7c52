import * as path from 'node:path';
import type * as ts from 'typescript';
import { joinPath } from '../../http/route-path';
import type { CodeUnit } from './code-unit';
import type { EventGraph, GraphEdge, GraphEdgeKind, GraphNode } from './event-graph';
import type { TypeEvents } from './events-of-type';
import type { ProjectFacts } from './scan-project';

const KIND_ORDER = ['route', 'function', 'event', 'handler', 'unresolved'];

/**
 * Turns what `scanProject` found into nodes and edges. A route or handler
 * owns the emits of the functions it calls (through the analysed files); an
 * emit no route or handler reaches appears under its own function. Event
 * classes are nodes by class (symbol), named by class name (with the file
 * when two classes share one).
 *
 * @example
 * ```ts
 * const graph = buildEventGraph(checker, scanProject(ts, program, files, fw), process.cwd());
 * ```
 */
export function buildEventGraph(
  checker: ts.TypeChecker,
  facts: ProjectFacts,
  cwd: string,
): EventGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const rel = (file: string) => path.relative(cwd, file).split(path.sep).join('/');
  const edge = (from: string, to: string, kind: GraphEdgeKind) =>
    edges.set(`${from}|${to}|${kind}`, { from, to, kind });

  const allClasses = new Set<ts.Symbol>(facts.eventClasses.keys());
  const typeEvents: TypeEvents[] = [
    ...facts.handlers.flatMap((h) => [...h.events, h.returns]),
    ...facts.emits.map((e) => e.events),
  ];
  for (const t of typeEvents) for (const c of t.classes) allClasses.add(c);
  const names = new Map<string, number>();
  for (const c of allClasses) names.set(c.name, (names.get(c.name) ?? 0) + 1);
  const eventId = new Map<ts.Symbol, string>();
  for (const c of allClasses) {
    const file = rel(c.declarations?.[0]?.getSourceFile().fileName ?? '?');
    const label = names.get(c.name)! > 1 ? `${c.name} (${file})` : c.name;
    const wireName = facts.eventClasses.get(c);
    const node: GraphNode = { id: `event:${label}`, kind: 'event', label, file };
    nodes.set(node.id, wireName ? { ...node, wireName } : node);
    eventId.set(c, node.id);
  }

  const unresolved = (at: ts.Node, t: TypeEvents, text: string): string => {
    const sf = at.getSourceFile();
    const { line, character } = sf.getLineAndCharacterOfPosition(at.getStart());
    const where = `${rel(sf.fileName)}:${line + 1}`;
    const id = `unresolved:${where}:${character + 1}`;
    const label = `? ${text}: ${t.unresolved!.type}`;
    nodes.set(id, { id, kind: 'unresolved', label, file: where, reason: t.unresolved!.reason });
    for (const c of t.classes) edge(id, eventId.get(c)!, 'may-be');
    return id;
  };
  const link = (from: string, t: TypeEvents, kind: GraphEdgeKind, at: ts.Node, text: string) => {
    if (t.unresolved) edge(from, unresolved(at, t, text), kind);
    else for (const c of t.classes) edge(from, eventId.get(c)!, kind);
  };

  const owned = new Set<ts.Node>();
  const emitsFrom = (from: string, root: CodeUnit) => {
    for (const unit of reachable(root, facts.calls)) {
      owned.add(unit.node);
      for (const e of facts.emits.filter((x) => x.unit.node === unit.node))
        link(from, e.events, 'emits', e.argument, short(e.argument.getText()));
    }
  };
  for (const r of facts.routes) {
    const label = `${r.verb} ${joinPath(r.prefix, r.path)}`;
    const node: GraphNode = {
      id: `route:${label}`,
      kind: 'route',
      label,
      file: rel(r.unit.sourceFile.fileName),
      source: r.unit.label,
    };
    const before = edges.size;
    emitsFrom(node.id, r.unit);
    if (edges.size > before) nodes.set(node.id, node); // a route that emits nothing is left out
  }
  for (const h of facts.handlers) {
    const id = `handler:${h.id}`;
    const file = rel(h.unit.sourceFile.fileName);
    nodes.set(id, { id, kind: 'handler', label: h.id, file, source: h.unit.label });
    const method = h.unit.node as ts.MethodDeclaration;
    for (const t of h.events) {
      if (t.unresolved) edge(unresolved(method, t, '@OnEvent'), id, 'handles');
      for (const c of t.unresolved ? [] : t.classes) {
        edge(eventId.get(c)!, id, 'handles');
        if (!h.includeSubclasses) continue;
        for (const sub of allClasses)
          if (sub !== c && derivesFrom(checker, sub, c))
            edge(eventId.get(sub)!, id, 'handles-subclass');
      }
    }
    link(id, h.returns, 'returns', method.name, 'returns');
    emitsFrom(id, h.unit);
  }
  for (const e of facts.emits) {
    if (owned.has(e.unit.node)) continue;
    // Two files may each have a `main` (or module-level emits): the id has the file.
    const file = rel(e.unit.sourceFile.fileName);
    const id = `function:${file}#${e.unit.label}`;
    const label = e.unit.node === e.unit.sourceFile ? `${file} (module)` : e.unit.label;
    nodes.set(id, { id, kind: 'function', label, file });
    link(id, e.events, 'emits', e.argument, short(e.argument.getText()));
  }
  return sortGraph([...nodes.values()], [...edges.values()]);
}

function reachable(root: CodeUnit, calls: ProjectFacts['calls']): CodeUnit[] {
  const seen = new Map<ts.Node, CodeUnit>([[root.node, root]]);
  const queue = [root];
  for (let u = queue.shift(); u; u = queue.shift())
    for (const [node, callee] of calls.get(u.node) ?? [])
      if (!seen.has(node)) {
        seen.set(node, callee);
        queue.push(callee);
      }
  return [...seen.values()];
}

function derivesFrom(checker: ts.TypeChecker, sub: ts.Symbol, base: ts.Symbol): boolean {
  const bases = checker.getDeclaredTypeOfSymbol(sub).getBaseTypes?.() ?? [];
  return bases.some((b) => {
    const s = b.getSymbol();
    return s !== undefined && (s === base || derivesFrom(checker, s, base));
  });
}

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}

function sortGraph(nodes: GraphNode[], edges: GraphEdge[]): EventGraph {
  const key = (n: GraphNode) =>
    `${KIND_ORDER.indexOf(n.kind)}|${n.kind === 'route' ? n.file : ''}|${n.label}`;
  nodes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  edges.sort(
    (a, b) =>
      index.get(a.from)! - index.get(b.from)! ||
      index.get(a.to)! - index.get(b.to)! ||
      a.kind.localeCompare(b.kind),
  );
  return { nodes, edges };
}
