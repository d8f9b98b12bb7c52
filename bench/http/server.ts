import 'reflect-metadata';
import { childConfig, type Message } from '../lib/child';
import { appById } from './apps';

/**
 * Child entry: starts one app on 127.0.0.1 with an ephemeral port, reports the port over IPC,
 * and closes when the parent says so (or disconnects).
 */
async function main(): Promise<void> {
  const { app } = childConfig<{ app: string }>();
  const running = await appById(app).start();
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    if (running.stats && process.connected) {
      const stats = running.stats();
      await new Promise<void>((r) =>
        process.send?.({ type: 'stats', stats } satisfies Message, () => r()),
      );
    }
    await running.close().catch(() => {});
    process.exit(0);
  };
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'close') void close();
  });
  process.on('disconnect', () => void close());
  process.send?.({ type: 'ready', port: running.port } satisfies Message);
}

main().catch((err: unknown) => {
  const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.send?.({ type: 'error', error } satisfies Message, () => process.exit(1));
});
