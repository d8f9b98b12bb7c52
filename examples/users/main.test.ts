import { runMain } from '../../test/fixtures/run-main';

// `npm start` runs this same entry point: start it for real, use it, stop it with SIGTERM.
test('the npm start entry point serves, prints a curl line, and shuts down cleanly on SIGTERM', async () => {
  const main = await runMain('users', /\/audit\n/);
  try {
    expect(main.output()).toContain(`curl -s -X POST ${main.url}/users`);
    const res = await fetch(`${main.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', name: 'Ada' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
    expect(await main.stop()).toBe(0);
    expect(main.output()).toContain('SIGTERM received, closing');
    expect(main.output()).toMatch(/closed \{ drained: true, lost: 0, connectionsForced: false \}/);
  } finally {
    main.child.kill('SIGKILL');
  }
}, 30_000);
