import type { IncomingHttpHeaders } from 'node:http';
import { EventQueries } from './event-queries';
import type { RecordedView } from './recorded';
import type { RawResponse } from './send-request';

/**
 * A response from {@link TestApp}, together with the events of its request:
 * every query (`emitted`, `handled`, `failed`, `discarded`...) and matcher
 * sees only envelopes whose correlation id is this request's id, follow-ups
 * included. By the time you have it, post-response dispatch has finished
 * (unless the request said `drain: false`).
 *
 * @example
 * ```ts
 * const res = await t.post('/users', { email: 'ada@example.com' });
 * expect(res.status).toBe(201);
 * expect(res).toHaveEmitted(UserRegistered, { email: 'ada@example.com' });
 * expect(res).toHaveHandled('SendWelcomeEmail.send');
 * ```
 */
export class TestResponse extends EventQueries {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as text. */
  readonly text: string;
  /** The body parsed as JSON when the response says `application/json`, else the text. */
  readonly body: unknown;

  constructor(
    raw: RawResponse,
    /** The request id, which is the correlation id of its events. */
    readonly requestId: string,
    private readonly source: () => RecordedView,
  ) {
    super();
    this.status = raw.status;
    this.headers = raw.headers;
    this.text = raw.text;
    this.body = /\bjson\b/.test(raw.headers['content-type'] ?? '') ? parse(raw.text) : raw.text;
  }

  /** The JSON body, typed as you say (no runtime check). */
  json<T>(): T {
    return this.body as T;
  }

  protected view(): RecordedView {
    return this.source();
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
