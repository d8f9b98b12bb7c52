import { queuesOf, spawnScript } from '../../test/fixtures/processes';
import {
  brokerConnection,
  deleteQueues,
  RABBITMQ_URL,
  uniqueApp,
} from '../../test/fixtures/rabbitmq';

// `npm run example:scale-out` runs this entry point: start it for real (a web
// process and two workers, on the real broker), use it, stop it with SIGTERM.
test('the scale-out entry point serves, a worker handles the event, SIGTERM stops all three', async () => {
  const broker = await brokerConnection(); // fails loudly when RabbitMQ is down
  const app = uniqueApp('scale-out-main');
  const main = spawnScript('examples/scale-out/main.ts', { APP: app, PORT: '0', RABBITMQ_URL });
  try {
    const [, url] = await main.waitFor(/Try:\n {2}curl -s -X POST (http:\/\/localhost:\d+)\/users/);
    await main.waitFor(
      /\[worker-\d\] worker \d+ consuming[\s\S]*\[worker-\d\] worker \d+ consuming/,
    );
    const res = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', name: 'Ada' }),
    });
    expect(res.status).toBe(201);
    // Handled in a worker: the audit line of the event, then of the worker's follow-up.
    await main.waitFor(/\[worker-\d\] worker \d+ audit: user\.registered ada@example\.com/);
    await main.waitFor(/\[worker-\d\] worker \d+ audit: user\.welcome-email-sent ada@example\.com/);

    expect(await main.stop('SIGTERM')).toBe(0);
    expect(main.output()).toMatch(/\[web\] .*closed \{ drained: true, lost: 0/);
    expect(
      main.output().match(/\[worker-\d\] .*worker closed \{ drained: true, lost: 0 \}/g),
    ).toHaveLength(2);
  } finally {
    await main.stop('SIGKILL');
    // main's children run in their own process group: make sure none outlives a failed test.
    for (const [, pid] of main.output().matchAll(/\] (?:web|worker) (\d+) /g))
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    await deleteQueues(broker, app, [...(await queuesOf(app)).keys()]);
    await broker.close();
  }
}, 60_000);
