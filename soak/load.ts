import { Agent, request } from 'node:http';

/** What a request asks for: a valid order, an invalid body (→ 400), or a throw after emitting (→ 500). */
export type RequestKind = 'valid' | 'invalid' | 'throw';

/** One request's outcome: an HTTP status, or the socket error code when there was no response. */
export interface Sent {
  tag: string;
  kind: RequestKind;
  sentAt: number;
  status: number | undefined;
  error: string | undefined;
}

export interface LoadOptions {
  port: number;
  /** Prefix of the `x-soak-tag` of each request (`A-0`, `A-1`, ...). */
  tagPrefix: string;
  /** At most this many requests. */
  total: number;
  concurrency: number;
  /** No request starts after this (epoch ms). */
  deadline: number;
  /** Stop each worker at its first refused connection (the server is gone). */
  stopWhenRefused: boolean;
  /** Called after every response or error (e.g. to send SIGTERM mid-load). */
  onResult?: (sent: Sent, count: number) => void;
}

const INVALID_BODIES = [
  '{"sku":"","quantity":1}',
  '{"sku":"widget","quantity":0}',
  '{"sku":"widget","quantity":"many"}',
  '{"sku":"widget","quantity":1,"admin":true}',
  '{"sku":',
];

/** ~10% invalid, ~5% throw, the rest valid. */
function pickKind(): RequestKind {
  const r = Math.random();
  return r < 0.1 ? 'invalid' : r < 0.15 ? 'throw' : 'valid';
}

function bodyOf(kind: RequestKind, i: number): string {
  if (kind === 'invalid') return INVALID_BODIES[i % INVALID_BODIES.length]!;
  return JSON.stringify({
    sku: `sku-${i % 97}`,
    quantity: 1 + (i % 9),
    failAfterEmit: kind === 'throw' || undefined,
  });
}

function post(agent: Agent, port: number, tag: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/orders',
        timeout: 10_000,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-soak-tag': tag,
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('timeout', () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    req.once('error', reject);
    req.end(body);
  });
}

/** Sends up to `total` tagged requests over keep-alive connections; bounded by count and deadline. */
export async function runLoad(o: LoadOptions): Promise<Sent[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const results: Sent[] = [];
  let next = 0;
  const worker = async () => {
    while (next < o.total && Date.now() < o.deadline) {
      const i = next++;
      const kind = pickKind();
      const sent: Sent = {
        tag: `${o.tagPrefix}-${i}`,
        kind,
        sentAt: Date.now(),
        status: undefined,
        error: undefined,
      };
      try {
        sent.status = await post(agent, o.port, sent.tag, bodyOf(kind, i));
      } catch (err) {
        sent.error = (err as { code?: string }).code ?? String(err);
      }
      results.push(sent);
      o.onResult?.(sent, results.length);
      if (o.stopWhenRefused && sent.error === 'ECONNREFUSED') return;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  agent.destroy();
  return results;
}
