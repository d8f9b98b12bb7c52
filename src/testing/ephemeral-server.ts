import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server on 127.0.0.1 and an ephemeral port, started on first use. */
export class EphemeralServer {
  private server: Promise<Server> | undefined;

  constructor(private readonly listener: RequestListener) {}

  /** Starts the server if needed and returns its port. */
  async port(): Promise<number> {
    this.server ??= new Promise<Server>((resolve, reject) => {
      const s = createServer(this.listener);
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    return ((await this.server).address() as AddressInfo).port;
  }

  /** Stops the server (cutting any connection left) if it was started. */
  async close(): Promise<void> {
    if (!this.server) return;
    const server = await this.server;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
