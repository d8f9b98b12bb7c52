import type { Context, Middleware } from 'koa';
import koaBodyParser from 'koa-bodyparser';
import {
  MalformedBodyError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationFailedError,
} from '../kernel/errors';
import { unsafeInputErrors } from '../kernel/unsafe-input';

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

// The Content-Encodings co-body can decode (through `inflation` 2, which uses
// Node's zlib; brotli is there on every Node this package supports).
const ENCODINGS: readonly string[] = ['identity', 'gzip', 'deflate', 'br'];

// JSON is UTF-8 (RFC 8259 §8.1); co-body decodes every body as UTF-8 anyway.
const UTF8 = new Set(['utf-8', 'utf8']);

// One `; name=value` parameter of a Content-Type (RFC 9110 §5.6.6): a token,
// then a token or a quoted-string as the value; an empty parameter (`;;`) is
// allowed. Captures: name, token value, quoted value (still escaped).
const PARAMETER =
  /[ \t]*;[ \t]*(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)|"((?:[\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t\x20-\x7e\x80-\xff])*)"))?/y;

/**
 * koa-bodyparser with errors mapped to koa-event-bus HTTP errors:
 * a body whose content type is not enabled, a Content-Encoding other than
 * identity/gzip/deflate/br, a JSON body whose charset is not UTF-8, or a
 * malformed Content-Type → `UnsupportedMediaTypeError` (415);
 * malformed JSON, or a body that is not in its declared Content-Encoding →
 * `MalformedBodyError` (400); over the limit (after decoding) →
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

  const json = enableTypes.includes('json') ? [...MEDIA_TYPES.json] : undefined;

  return async (ctx, next) => {
    // `is` is truthy when koa-bodyparser will read a body: an enabled type,
    // and a body (for type-is, `content-length: 0` is one too).
    if (!ctx.request.is(accepted)) {
      if (hasBody(ctx)) throw unsupportedType(ctx, accepted);
    } else {
      checkEncoding(ctx, accepted);
      if (json && ctx.request.is(json)) checkJsonCharset(ctx, accepted);
    }
    try {
      // Run the parser alone, so that errors from later middleware are not mapped here.
      await parse(ctx, done);
    } catch (err) {
      throw mapParseError(err, limitOf(ctx, enableTypes, limits), ctx.get('content-encoding'));
    }
    await next();
  };
}

function unsupportedType(ctx: Context, accepted: readonly string[], message?: string) {
  const err = new UnsupportedMediaTypeError(ctx.get('content-type') || undefined, accepted);
  // The error classes have fixed messages; say precisely what is wrong.
  if (message !== undefined) err.message = message;
  return err;
}

/**
 * Refuses a Content-Encoding co-body cannot decode (415), before reading the
 * body; `inflation` would throw a bare 415 without our code. Content codings
 * are case-insensitive (RFC 9110 §8.4.1) but `inflation` compares them as
 * they are, so the header is normalized in place.
 */
function checkEncoding(ctx: Context, accepted: readonly string[]): void {
  const header = ctx.get('content-encoding');
  if (header === '') return;
  const encoding = header.trim().toLowerCase();
  if (!ENCODINGS.includes(encoding)) {
    throw unsupportedType(
      ctx,
      accepted,
      `Unsupported content encoding ${header}; expected ${ENCODINGS.join(', ')}.`,
    );
  }
  if (encoding !== header) ctx.req.headers['content-encoding'] = encoding;
}

/** JSON must be UTF-8: any other declared charset, or unreadable parameters, is a 415. */
function checkJsonCharset(ctx: Context, accepted: readonly string[]): void {
  const header = ctx.get('content-type');
  const charsets = charsetsOf(header);
  if (charsets === undefined) {
    throw unsupportedType(
      ctx,
      accepted,
      `Malformed content type ${header}; send application/json; charset=utf-8.`,
    );
  }
  const other = charsets.find((c) => !UTF8.has(c));
  if (other !== undefined) {
    throw unsupportedType(
      ctx,
      accepted,
      `Unsupported charset ${other}; JSON bodies must be UTF-8.`,
    );
  }
}

/**
 * The `charset` values of a Content-Type header, lower case and unquoted
 * (usually none or one), or `undefined` when its parameters are malformed.
 * The type itself was already judged by `ctx.request.is`.
 */
function charsetsOf(header: string): string[] | undefined {
  const charsets: string[] = [];
  let at = header.indexOf(';');
  if (at === -1) return charsets;
  while (at < header.length) {
    if (header.slice(at).trim() === '') break;
    PARAMETER.lastIndex = at;
    const m = PARAMETER.exec(header);
    if (m === null) return undefined;
    at = PARAMETER.lastIndex;
    if (m[1]?.toLowerCase() === 'charset') {
      const value = m[2] ?? (m[3] ?? '').replace(/\\(.)/g, '$1');
      charsets.push(value.toLowerCase());
    }
  }
  return charsets;
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

function mapParseError(err: unknown, limit: string | number, encoding: string): unknown {
  const e = err as {
    status?: unknown;
    type?: unknown;
    message?: unknown;
    body?: unknown;
    errno?: unknown;
    code?: unknown;
  };
  if (e.type === 'entity.too.large' || e.status === 413) return new PayloadTooLargeError(limit);
  if (
    encoding !== '' &&
    encoding !== 'identity' &&
    e.status === undefined &&
    typeof e.errno === 'number' &&
    typeof e.code === 'string'
  ) {
    // A zlib/brotli error (Z_DATA_ERROR, Z_BUF_ERROR, ERR__ERROR_FORMAT_…):
    // the body is not in the encoding it declares.
    const malformed = new MalformedBodyError(err);
    malformed.message = `Request body could not be decoded as ${encoding}.`;
    return malformed;
  }
  if (err instanceof SyntaxError && e.message === PROTO_POISONING && typeof e.body === 'string') {
    // Plain JSON.parse defines `__proto__` as an own property (no setter runs),
    // so it is safe to re-read the text to name the offending fields.
    const fields = unsafeInputErrors(JSON.parse(e.body));
    if (fields.length > 0) return new ValidationFailedError('body', fields);
  }
  if (err instanceof SyntaxError || e.status === 400) return new MalformedBodyError(err);
  return err;
}
