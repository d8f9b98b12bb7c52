import 'reflect-metadata';
import { childConfig, type Message } from '../lib/child';
import { appById } from './apps';

/**
 * Child entry: starts one app on 127.0.0.1 with an ephemeral port, reports the port over IPC,
 * and closes when the parent says so (or disconnects).
 */
async function main(): Promise<void> {
  const { app } = childConfig<{ app: string }>();
  const spec = appById(app);
  if (!spec.start) throw new Error(`${app} is not a Node app`);
  const running = await spec.start();
  const cpu0 = process.cpuUsage();
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    if (process.connected) {
      const cpu = process.cpuUsage(cpu0);
      const stats = { ...running.stats?.(), cpuUs: cpu.user + cpu.system };
      await new Promise<void>((r) =>
        process.send?.({ type: 'stats', stats } satisfies Message, () => r()),
      );
    }
    // Closing may drain a backlog of 20 ms handlers; give it 2 s, then exit normally (which also
    // lets --cpu-prof write its profile).
    await Promise.race([running.close().catch(() => {}), new Promise((r) => setTimeout(r, 2_000))]);
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
