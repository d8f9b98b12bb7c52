import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildExistingApp } from './app';

// `npm run example:existing-koa-app`: your own Koa app and server, with the bus added.
async function main(): Promise<void> {
  const { koa, bus } = buildExistingApp();
  const server = createServer(koa.callback());
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 3000), resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  console.log(`existing-koa-app example listening on ${url}. Try:`);
  console.log(`  curl -s -X POST ${url}/orders/o-1/ship`);
  console.log(`  curl -s ${url}/health`);

  // Your server, your shutdown: stop accepting, let open requests finish, then drain the bus.
  process.once('SIGTERM', () => {
    console.log('SIGTERM received, closing');
    server.close(async () => {
      const report = await bus.close(10_000);
      console.log(`closed { drained: ${report.drained}, lost: ${report.lost.length} }`);
      process.exitCode = report.drained ? 0 : 1;
    });
    server.closeIdleConnections();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
