import type { CliOutput } from '../cli-output';
import { formatMermaid } from './format-mermaid';
import type { GraphCommand } from './graph-command';
import { graphProject } from './graph-project';
import type { RequireTypeScript } from './load-typescript';

/**
 * `koa-event-bus graph`: the project's event flow, found statically, as a
 * Mermaid flowchart or (`--format json`) its nodes and edges.
 *
 * @example
 * ```ts
 * runGraph({ kind: 'graph', entries: ['src/**\/*.ts'], project: undefined, format: 'mermaid' }, out, cwd);
 * ```
 */
export function runGraph(
  cmd: GraphCommand,
  out: CliOutput,
  cwd: string,
  requireTypeScript?: RequireTypeScript,
): void {
  const graph = graphProject(
    { cwd, project: cmd.project, entries: cmd.entries },
    requireTypeScript,
  );
  out.stdout(cmd.format === 'json' ? JSON.stringify(graph, null, 2) : formatMermaid(graph));
}
