import { STATUS_CODES } from 'node:http';
import { ErrorCode, isKoaEventBusError } from '../kernel/errors';

/**
 * The JSON body of every error response.
 *
 * @example
 * ```json
 * { "error": { "code": "KEB_VALIDATION_FAILED", "message": "Invalid request body.",
 *              "details": [{ "field": "email", "constraints": { "isEmail": "email must be an email" } }],
 *              "requestId": "3f6c..." } }
 * ```
 */
export interface ErrorResponseBody {
  error: {
    /** Stable code: the `KEB_*` code of an exposed koa-event-bus error; `KEB_INTERNAL_ERROR` for any unexposed 5xx; `KEB_HTTP_ERROR` otherwise. */
    code: string;
    /** The error's message when it may be exposed, else the status text (`Internal Server Error`). */
    message: string;
    /** Extra data of an exposed error (the field list of a validation error); absent otherwise. */
    details?: unknown;
    /** The request id (`ctx.state.requestId` or the `x-request-id` header), when there is one. */
    requestId?: string;
  };
}

/**
 * What an error becomes on the wire: the result of `toErrorResponse`.
 *
 * @example
 * ```ts
 * const { status, body, headers } = toErrorResponse(err, ctx.get('x-request-id'));
 * ctx.status = status;
 * ctx.set(headers);
 * ctx.body = body;
 * ```
 */
export interface ErrorResponse {
  status: number;
  body: ErrorResponseBody;
  headers: Record<string, string>;
}

interface ErrorLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  message?: unknown;
  details?: unknown;
  headers?: unknown;
}

/**
 * Maps a thrown value to a status and an `ErrorResponseBody`. Errors carrying
 * an HTTP status from 400 to 599 (`HttpError`, `ctx.throw`, http-errors) keep
 * it; anything else is a 500. The message and details are sent only when the
 * error says `expose: true` (HttpError and http-errors do so below 500), so a
 * 5xx never leaks its message or stack.
 *
 * @example
 * ```ts
 * toErrorResponse(new HttpError(409, 'Email already registered'), 'req-1');
 * // { status: 409, headers: {}, body: { error: { code: 'KEB_HTTP_ERROR',
 * //   message: 'Email already registered', requestId: 'req-1' } } }
 * ```
 */
export function toErrorResponse(err: unknown, requestId?: string): ErrorResponse {
  try {
    return mapError(err, requestId);
  } catch {
    // The thrown value cannot even be read (a revoked proxy, throwing getters):
    // a plain 500, never an error of its own.
    const body: ErrorResponseBody = {
      error: { code: ErrorCode.Internal, message: statusText(500) },
    };
    if (requestId !== undefined) body.error.requestId = requestId;
    return { status: 500, body, headers: {} };
  }
}

function mapError(err: unknown, requestId: string | undefined): ErrorResponse {
  if (
    isKoaEventBusError(err, ErrorCode.BusOverflow) ||
    isKoaEventBusError(err, ErrorCode.BusClosed) ||
    isKoaEventBusError(err, ErrorCode.PublishFailed)
  ) {
    // Load shedding / shutting down / the broker did not store the events: the client may retry.
    const body: ErrorResponseBody = {
      error: { code: err.code, message: 'The server is busy; retry shortly.' },
    };
    if (requestId !== undefined) body.error.requestId = requestId;
    return { status: 503, body, headers: { 'Retry-After': '1' } };
  }
  const e: ErrorLike = typeof err === 'object' && err !== null ? err : {};
  const status = httpStatusOf(e.status ?? e.statusCode) ?? 500;
  const expose = e.expose === true && status < 500;
  const body: ErrorResponseBody = {
    error: {
      code:
        expose && isKoaEventBusError(err)
          ? err.code
          : status >= 500
            ? ErrorCode.Internal
            : ErrorCode.Http,
      message: expose && typeof e.message === 'string' ? e.message : statusText(status),
    },
  };
  if (expose && e.details !== undefined) body.error.details = e.details;
  if (requestId !== undefined) body.error.requestId = requestId;
  return { status, body, headers: headersOf(e.headers) };
}

/** Status text of a code, for responses that carry no message of their own. */
export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function httpStatusOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599
    ? value
    : undefined;
}

// http-errors may carry headers to send (e.g. `Allow` on a 405).
function headersOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}
