/** A parsed `koa-event-bus list` invocation: where the handlers come from. */
export interface ListCommand {
  readonly kind: 'list';
  readonly source:
    | { readonly entry: string; readonly export: string | undefined }
    | { readonly discover: readonly string[] };
  readonly json: boolean;
}
