import type { RequestListener } from 'node:http';
import type { App } from '../index';
import { EphemeralServer } from './ephemeral-server';
import { onClock } from './on-clock';
import type { TestBus } from './test-bus';

/** Where a `TestApp` sends its requests, and how it stops everything when disposed. */
export interface HttpTarget {
  /** Starts listening on 127.0.0.1 if needed; resolves with the port. */
  port(): Promise<number>;
  /** Stops the server and closes the bus. */
  close(): Promise<void>;
}

/** An app `createApp` built: it listens itself, and `app.close()` stops server and bus together. */
export function appTarget(app: App): HttpTarget {
  let listening: Promise<unknown> | undefined;
  return {
    async port() {
      listening ??= app.listen(0, '127.0.0.1');
      await listening;
      return app.port();
    },
    async close() {
      await onClock(app.bus, app.close(1_000));
    },
  };
}

/** A bare request listener on an ephemeral server, in front of a `TestBus` of yours. */
export function listenerTarget(listener: RequestListener, events: TestBus): HttpTarget {
  const server = new EphemeralServer(listener);
  return {
    port: () => server.port(),
    async close() {
      await server.close();
      await events[Symbol.asyncDispose]();
    },
  };
}
