import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMain } from '../../test/fixtures/run-main';

// `npm run example:background-tasks` runs this entry point: start it for real,
// make the seed's four calls, stop it with SIGTERM (which drains the bus).
test('the entry point answers the seed, prints what it prints, and drains on SIGTERM', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keb-bg-main-'));
  const actionsLog = path.join(dir, 'actions.log');
  process.env.ACTIONS_LOG = actionsLog; // read by the child, at spawn
  const main = await runMain('background-tasks', /\/process-data\/.*\n/).finally(() => {
    delete process.env.ACTIONS_LOG;
  });
  try {
    expect(main.output()).toContain(`/log-action/ appends to ${actionsLog}`);
    const post = async (route: string, body?: object) => {
      const res = await fetch(`${main.url}${route}`, {
        method: 'POST',
        ...(body && {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      });
      return [res.status, await res.text()];
    };

    expect(await post('/items/', { name: 'Widget', price: 9.99 })).toEqual([
      200,
      '{"message":"Item received"}',
    ]);
    expect(await post('/send-email/')).toEqual([200, '{"message":"Email will be sent"}']);
    expect(await post('/log-action/?action=login')).toEqual([200, '{"message":"Action logged"}']);
    expect(await post('/process-data/', { event: 'signup' })).toEqual([
      200,
      '{"status":"Data received"}',
    ]);

    expect(await main.stop()).toBe(0);
    const lines = main.output().split('\n');
    expect(lines).toContain("Processing item: {'name': 'Widget', 'price': 9.99}");
    expect(lines).toContain('Sending welcome email...');
    expect(lines).toContain("Event received with data: {'event': 'signup'}");
    expect(main.output()).toMatch(/closed \{ drained: true, lost: 0, connectionsForced: false \}/);
    expect(await readFile(actionsLog, 'utf8')).toBe('Action: login\n');
  } finally {
    main.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);
