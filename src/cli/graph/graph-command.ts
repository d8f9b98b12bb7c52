/** A parsed `koa-event-bus graph` invocation. */
export interface GraphCommand {
  readonly kind: 'graph';
  /** Files or globs to analyse (default: the tsconfig's files). */
  readonly entries: readonly string[];
  readonly project: string | undefined;
  readonly format: 'mermaid' | 'json';
}
