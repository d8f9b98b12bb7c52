import type { Server } from 'node:http';

/**
 * Stops accepting connections and resolves when every open request has
 * finished (idle keep-alive sockets are closed at once). After `timeoutMs`,
 * the connections still open are destroyed and `forced` is true.
 */
export function closeServer(server: Server, timeoutMs: number): Promise<{ forced: boolean }> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve({ forced: false });
      return;
    }
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve({ forced });
    });
    server.closeIdleConnections();
  });
}
