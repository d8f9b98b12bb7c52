import type { EventGraph, GraphEdgeKind, GraphNode } from './event-graph';

const SHAPE: Record<GraphNode['kind'], [string, string]> = {
  route: ['[/', '/]'],
  function: ['[[', ']]'],
  event: ['([', '])'],
  handler: ['[', ']'],
  unresolved: ['{{', '}}'],
};
const PREFIX: Record<GraphNode['kind'], string> = {
  route: 'r',
  function: 'f',
  event: 'e',
  handler: 'h',
  unresolved: 'u',
};
const ARROW: Record<GraphEdgeKind, string> = {
  emits: '-->',
  returns: '-->|returns|',
  handles: '-->',
  'handles-subclass': '-->|subclass|',
  'may-be': '-.->|may be|',
};

/**
 * The graph as a Mermaid flowchart (left to right): routes as parallelograms,
 * functions that emit outside any route or handler as subroutines, events as
 * stadiums, handlers as rectangles; what could not be resolved is a dashed
 * red hexagon (`? expression: type`) reached by a dashed edge, and an event
 * no handler subscribes to is dashed.
 *
 * @example
 * ```ts
 * formatMermaid(graph);
 * // flowchart LR
 * //   r1[/"POST /users"/]
 * //   e1(["UserRegistered"])
 * //   h1["SendWelcomeEmail.send"]
 * //   r1 --> e1
 * //   e1 --> h1
 * ```
 */
export function formatMermaid(graph: EventGraph): string {
  const ids = new Map<string, string>();
  const counts = new Map<string, number>();
  const lines = ['flowchart LR'];
  for (const n of graph.nodes) {
    const p = PREFIX[n.kind];
    const id = `${p}${(counts.get(p) ?? 0) + 1}`;
    counts.set(p, (counts.get(p) ?? 0) + 1);
    ids.set(n.id, id);
    const [open, close] = SHAPE[n.kind];
    lines.push(`  ${id}${open}"${quoted(n.label)}"${close}`);
  }
  for (const e of graph.edges) {
    const unresolved = e.kind !== 'may-be' && e.to.startsWith('unresolved:');
    const arrow = unresolved ? '-.->|unresolved|' : ARROW[e.kind];
    lines.push(`  ${ids.get(e.from)} ${arrow} ${ids.get(e.to)}`);
  }
  const handled = new Set(
    graph.edges.filter((e) => e.kind.startsWith('handles')).map((e) => e.from),
  );
  const unhandled = graph.nodes.filter((n) => n.kind === 'event' && !handled.has(n.id));
  const marked = graph.nodes.filter((n) => n.kind === 'unresolved');
  if (marked.length > 0) {
    lines.push('  classDef unresolved stroke:#d33,stroke-dasharray:4 3,color:#d33');
    lines.push(`  class ${marked.map((n) => ids.get(n.id)).join(',')} unresolved`);
  }
  if (unhandled.length > 0) {
    lines.push('  classDef unhandled stroke-dasharray:2 2');
    lines.push(`  class ${unhandled.map((n) => ids.get(n.id)).join(',')} unhandled`);
  }
  return lines.join('\n');
}

// Mermaid reads HTML entities as #name; in quoted labels.
function quoted(label: string): string {
  return label.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
