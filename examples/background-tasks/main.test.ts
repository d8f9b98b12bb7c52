import { runMain } from '../../test/fixtures/run-main';

test('the background-tasks entry point serves and shuts down cleanly on SIGTERM', async () => {
  const main = await runMain('background-tasks', /log-action/);
  try {
    const res = await fetch(`${main.url}/process-data/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 1 }),
    });
    expect(await res.json()).toEqual({ status: 'Data received' });
    expect(await main.stop()).toBe(0);
    expect(main.output()).toMatch(/closed \{ drained: true, lost: 0, connectionsForced: false \}/);
  } finally {
    main.child.kill('SIGKILL');
  }
}, 30_000);
