import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/**
 * A request the test sends (`t.request(req)` on a `TestApp`).
 *
 * @example
 * ```ts
 * await t.request({ method: 'POST', path: '/users', body: { email: 'ada@example.com' } });
 * ```
 */
export interface TestRequest {
  method: string;
  path: string;
  /** Objects and arrays are sent as JSON; strings and Buffers as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** The raw answer, body unparsed. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * Sends one request to 127.0.0.1:port over a fresh connection (no keep-alive,
 * so closing the server never waits on an idle socket) and resolves once the
 * whole response has arrived.
 */
export function sendRequest(port: number, req: TestRequest): Promise<RawResponse> {
  const headers: Record<string, string> = { connection: 'close', ...req.headers };
  let payload: Buffer | undefined;
  if (req.body !== undefined) {
    if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) {
      payload = Buffer.from(req.body);
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'text/plain';
    } else {
      payload = Buffer.from(JSON.stringify(req.body));
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
    }
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}
