import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { ErrorCode } from '../kernel/errors';

/**
 * An HTTP server whose `close()` is exact under keep-alive load:
 *
 * - once closing, no new request is served on any connection: idle sockets
 *   are closed at once, responses still in flight are sent with
 *   `Connection: close` (or their socket is ended right after them, when their
 *   headers were already out), and a request that still reaches the server
 *   answers 503 `KEB_BUS_CLOSED` with `Connection: close` without running any
 *   middleware;
 * - `close()` resolves as soon as the last in-flight request has finished
 *   (never waiting for `keepAliveTimeout`), or after `timeoutMs`, when the
 *   connections still open are destroyed and `forced` is true.
 */
export class ClosableServer {
  readonly server: Server;
  private readonly inFlight = new Set<ServerResponse>();
  private closing: Promise<{ forced: boolean }> | undefined;

  constructor(listener: RequestListener) {
    this.server = createServer((req, res) => this.handle(listener, req, res));
  }

  close(timeoutMs: number): Promise<{ forced: boolean }> {
    this.closing ??= new Promise((resolve) => {
      for (const res of this.inFlight) lastOnItsConnection(res);
      if (!this.server.listening) {
        resolve({ forced: false });
        return;
      }
      let forced = false;
      const timer = setTimeout(() => {
        forced = true;
        this.server.closeAllConnections();
      }, timeoutMs);
      this.server.close(() => {
        clearTimeout(timer);
        resolve({ forced });
      });
      this.server.closeIdleConnections();
    });
    return this.closing;
  }

  private handle(listener: RequestListener, req: IncomingMessage, res: ServerResponse): void {
    if (this.closing) {
      refuse(res);
      return;
    }
    this.inFlight.add(res);
    res.once('close', () => this.inFlight.delete(res));
    listener(req, res);
  }
}

/** No further request on this response's connection. */
function lastOnItsConnection(res: ServerResponse): void {
  if (!res.headersSent) {
    res.setHeader('Connection', 'close');
    return;
  }
  const socket = res.socket;
  res.once('finish', () => socket?.end());
}

const SHUTTING_DOWN = JSON.stringify({
  error: { code: ErrorCode.BusClosed, message: 'The server is shutting down; retry shortly.' },
});

function refuse(res: ServerResponse): void {
  res.writeHead(503, {
    Connection: 'close',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(SHUTTING_DOWN),
    'Retry-After': '1',
  });
  res.end(SHUTTING_DOWN);
}
