import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What every HTTP bench app does, whatever the framework. */
export const ROUTE = '/process-data/';
export const RESPONSE = { status: 'Data received' } as const;
export const HANDLER_MS = 20;

/** The event the emitting apps publish for each request. */
export class DataReceived {
  constructor(readonly payload: unknown) {}
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Running {
  port: number;
  close(): Promise<void>;
  /** Counters read just before close, when the load has stopped (e.g. handlers run, backlog). */
  stats?(): Record<string, number>;
}

export type AppFactory = () => Promise<Running>;

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
