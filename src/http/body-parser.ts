import type { Context, Middleware } from 'koa';
import koaBodyParser from 'koa-bodyparser';
import {
  MalformedBodyError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationFailedError,
} from '../errors';
import { unsafeInputErrors } from './unsafe-input';

/**
 * Body kinds the parser can accept: `json` (application/json and the JSON
 * vendor types koa-bodyparser knows), `form` (urlencoded), `text` (text/plain).
 *
 * @example
 * ```ts
 * const types: BodyType[] = ['json', 'form'];
 * ```
 */
export type BodyType = 'json' | 'form' | 'text';

/**
 * Options of `bodyParser` (and of `mountControllers({ bodyParser })`).
 *
 * @example
 * ```ts
 * mountControllers(router, controllers, {
 *   resolver,
 *   bodyParser: { jsonLimit: '1mb', enableTypes: ['json', 'form'] },
 * });
 * ```
 */
export interface BodyParserOptions {
  /** Accepted body kinds; anything else with a body answers 415. Default `['json']`. */
  enableTypes?: readonly BodyType[];
  /** Largest JSON body (bytes, or a string like `'1mb'`). Default `'100kb'`. */
  jsonLimit?: string | number;
  /** Largest urlencoded form body. Default `'56kb'`. */
  formLimit?: string | number;
  /** Largest text/plain body. Default `'56kb'`. */
  textLimit?: string | number;
}

const MEDIA_TYPES: Record<BodyType, readonly string[]> = {
  // The JSON types koa-bodyparser 4 parses as JSON.
  json: [
    'application/json',
    'application/json-patch+json',
    'application/vnd.api+json',
    'application/csp-report',
    'application/scim+json',
  ],
  form: ['application/x-www-form-urlencoded'],
  text: ['text/plain'],
};

// @hapi/bourne's message when JSON carries a `__proto__` key (co-body rejects it).
const PROTO_POISONING = 'Object contains forbidden prototype property';

/**
 * koa-bodyparser with errors mapped to koa-event-bus HTTP errors:
 * a body whose content type is not enabled → `UnsupportedMediaTypeError` (415);
 * malformed JSON → `MalformedBodyError` (400); over the limit →
 * `PayloadTooLargeError` (413); a JSON `__proto__` key →
 * `ValidationFailedError` (400, `whitelistValidation` on that field).
 * `mountControllers` puts it in front of every route that has a `@Body`
 * parameter; requests without a body pass through (`ctx.request.body` is `{}`).
 * JSON only by default: enable `form`/`text` explicitly.
 *
 * @example
 * ```ts
 * router.post('/upload', bodyParser({ jsonLimit: '1mb', enableTypes: ['json', 'form'] }), handler);
 * ```
 */
export function bodyParser(options: BodyParserOptions = {}): Middleware {
  const enableTypes = options.enableTypes ?? ['json'];
  const limits: Record<BodyType, string | number> = {
    json: options.jsonLimit ?? '100kb',
    form: options.formLimit ?? '56kb',
    text: options.textLimit ?? '56kb',
  };
  const accepted = enableTypes.flatMap((t) => MEDIA_TYPES[t]);
  const parse = koaBodyParser({
    enableTypes: [...enableTypes],
    jsonLimit: String(limits.json),
    formLimit: String(limits.form),
    textLimit: String(limits.text),
  });
  const done = async () => {};

  return async (ctx, next) => {
    if (hasBody(ctx) && !ctx.request.is(accepted)) {
      throw new UnsupportedMediaTypeError(ctx.get('content-type') || undefined, accepted);
    }
    try {
      // Run the parser alone, so that errors from later middleware are not mapped here.
      await parse(ctx, done);
    } catch (err) {
      throw mapParseError(err, limitOf(ctx, enableTypes, limits));
    }
    await next();
  };
}

function hasBody(ctx: Context): boolean {
  const headers = ctx.req.headers;
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length']) > 0;
}

function limitOf(
  ctx: Context,
  enableTypes: readonly BodyType[],
  limits: Record<BodyType, string | number>,
): string | number {
  const type = enableTypes.find((t) => ctx.request.is([...MEDIA_TYPES[t]]));
  return limits[type ?? 'json'];
}

function mapParseError(err: unknown, limit: string | number): unknown {
  const e = err as { status?: unknown; type?: unknown; message?: unknown; body?: unknown };
  if (e.type === 'entity.too.large' || e.status === 413) return new PayloadTooLargeError(limit);
  if (err instanceof SyntaxError && e.message === PROTO_POISONING && typeof e.body === 'string') {
    // Plain JSON.parse defines `__proto__` as an own property (no setter runs),
    // so it is safe to re-read the text to name the offending fields.
    const fields = unsafeInputErrors(JSON.parse(e.body));
    if (fields.length > 0) return new ValidationFailedError('body', fields);
  }
  if (err instanceof SyntaxError || e.status === 400) return new MalformedBodyError(err);
  return err;
}
