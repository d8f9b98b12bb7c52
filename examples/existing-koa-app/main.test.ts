import { runMain } from '../../test/fixtures/run-main';

// `npm run example:existing-koa-app` runs this entry point: start it for real, use it, stop it.
test('the existing-koa-app entry point serves, and shuts down drained on SIGTERM', async () => {
  const main = await runMain('existing-koa-app', /\/health\n/);
  try {
    const res = await fetch(`${main.url}/orders/o-1/ship`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: 'o-1', status: 'shipping' });
    expect(await main.stop()).toBe(0);
    expect(main.output()).toMatch(/closed \{ drained: true, lost: 0 \}/);
  } finally {
    main.child.kill('SIGKILL');
  }
}, 30_000);
