/** What a node of the event graph stands for. */
export type GraphNodeKind = 'route' | 'function' | 'event' | 'handler' | 'unresolved';

/** One node of `koa-event-bus graph --format json`. */
export interface GraphNode {
  /** Unique in the graph: `route:POST /users`, `event:UserRegistered`, `handler:SendWelcomeEmail.send`. */
  readonly id: string;
  readonly kind: GraphNodeKind;
  /** What the Mermaid node shows. */
  readonly label: string;
  /** Where it is declared (relative to the working directory), or where the unresolved emit is. */
  readonly file: string;
  /** Route: `UsersController.register`; handler and function: the class and method. */
  readonly source?: string;
  /** Event: the wire name given to `@Event('…')`, when it is a string literal. */
  readonly wireName?: string;
  /** Unresolved: why (`union`, `any`, `unknown`, `not-a-class`, `unknown-event-class`). */
  readonly reason?: string;
}

/**
 * What an edge means: a route, handler or function `emits` an event (or
 * `dispatch`es it), a handler `returns` one (a follow-up), a handler `handles`
 * an event (`handles-subclass` with `includeSubclasses`), and an unresolved
 * emit `may-be` one of the event classes of its union type.
 */
export type GraphEdgeKind = 'emits' | 'returns' | 'handles' | 'handles-subclass' | 'may-be';

/** One edge of `koa-event-bus graph --format json`. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: GraphEdgeKind;
}

/** The statically found event flow of a project: routes → events → handlers → follow-ups. */
export interface EventGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}
