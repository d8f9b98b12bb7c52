import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from 'koa-event-bus';
import { testApp } from 'koa-event-bus/testing';
import { createBackgroundTasksApp } from './app';
import { DataReceived, ItemReceived, UserActionLogged, WelcomeEmailRequested } from './events';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'keb-bg-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The app with `actions.log` in a temp dir. `timeline` gets "response sent"
 * when a response has been handed to the OS, and every line the handlers
 * print (their message-only info lines), in the order they happen.
 */
function setup() {
  const actionsLogPath = path.join(dir, 'actions.log');
  const timeline: string[] = [];
  const printed = (level: string) => (obj: object, msg?: string) => {
    if (level === 'info' && 'handlerId' in obj) timeline.push(msg ?? '');
  };
  const logger: Logger = {
    error: printed('error'),
    warn: printed('warn'),
    info: printed('info'),
    debug: printed('debug'),
  };
  const t = testApp.fromFactory(
    (options) => {
      const app = createBackgroundTasksApp({ ...options, actionsLogPath });
      app.koa.middleware.unshift(async (ctx, next) => {
        ctx.res.once('finish', () => timeline.push('response sent'));
        await next();
      });
      return app;
    },
    { logger },
  );
  return { t, timeline, actionsLogPath };
}

// The seed's own calls, and what it answers and prints. Each response resolves
// once the dispatch it triggered has settled: no sleeps.
describe("the seed (FastAPI's BackgroundTasks tutorial), ported", () => {
  test('POST /items/ {"name":"Widget","price":9.99}', async () => {
    const { t, timeline } = setup();
    await using _ = t;

    const res = await t.post('/items/', { name: 'Widget', price: 9.99 });

    expect(res.status).toBe(200);
    expect(res.text).toBe('{"message":"Item received"}');
    expect(res).toHaveEmitted(ItemReceived, { item: { name: 'Widget', price: 9.99 } });
    expect(timeline).toEqual([
      'response sent',
      "Processing item: {'name': 'Widget', 'price': 9.99}",
    ]);
  });

  test('POST /send-email/ (no parameters)', async () => {
    const { t, timeline } = setup();
    await using _ = t;

    const res = await t.post('/send-email/');

    expect(res.status).toBe(200);
    expect(res.text).toBe('{"message":"Email will be sent"}');
    expect(res).toHaveEmitted(WelcomeEmailRequested);
    expect(timeline).toEqual(['response sent', 'Sending welcome email...']);
  });

  test('POST /log-action/?action=login appends "Action: login\\n" to actions.log', async () => {
    const { t, timeline, actionsLogPath } = setup();
    await using _ = t;

    const res = await t.post('/log-action/?action=login');
    await t.post('/log-action/?action=logout');

    expect(res.status).toBe(200);
    expect(res.text).toBe('{"message":"Action logged"}');
    expect(res).toHaveEmitted(UserActionLogged, { action: 'login' });
    expect(await readFile(actionsLogPath, 'utf8')).toBe('Action: login\nAction: logout\n');
    expect(timeline).toEqual(['response sent', 'response sent']); // it prints nothing
  });

  test('POST /process-data/ {"event":"signup","user_id":42}', async () => {
    const { t, timeline } = setup();
    await using _ = t;

    const res = await t.post('/process-data/', { event: 'signup', user_id: 42 });

    expect(res.status).toBe(200);
    expect(res.text).toBe('{"status":"Data received"}');
    expect(res).toHaveEmitted(DataReceived, { data: { event: 'signup', user_id: 42 } });
    expect(timeline).toEqual([
      'response sent',
      "Event received with data: {'event': 'signup', 'user_id': 42}",
    ]);
  });

  test('nested JSON prints as Python prints the dict', async () => {
    const { t, timeline } = setup();
    await using _ = t;

    await t.post('/items/', { name: "O'Brien", tags: ['a', 'b'], stock: null, active: true });

    expect(timeline[1]).toBe(
      `Processing item: {'name': "O'Brien", 'tags': ['a', 'b'], 'stock': None, 'active': True}`,
    );
  });

  test('/send-email/ may name an address', async () => {
    const { t, timeline } = setup();
    await using _ = t;

    await t.post('/send-email/?email=ada@example.com');

    expect(timeline).toEqual(['response sent', 'Sending welcome email to ada@example.com...']);
  });

  test('an empty object is a dict, and an empty action is a str, as in the seed', async () => {
    const { t, timeline, actionsLogPath } = setup();
    await using _ = t;

    expect((await t.post('/process-data/', {})).status).toBe(200);
    expect((await t.post('/log-action/?action=')).status).toBe(200);

    expect(timeline).toEqual(['response sent', 'Event received with data: {}', 'response sent']);
    expect(await readFile(actionsLogPath, 'utf8')).toBe('Action: \n');
  });
});

// FastAPI answers these with 422; here they are 400 in the library's error shape.
describe('input the seed rejects is a 400, and starts no background work', () => {
  test.each(['/items/', '/process-data/'])('POST %s without a body', async (route) => {
    const { t, timeline } = setup();
    await using _ = t;
    const field = route === '/items/' ? 'item' : 'data';

    const res = await t.post(route);

    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'KEB_VALIDATION_FAILED',
        message: 'Invalid request body.',
        details: [
          { field, constraints: { isDefined: `${field} should not be null or undefined` } },
        ],
        requestId: expect.any(String),
      },
    });
    expect(res.emitted()).toHaveLength(0);
    expect(timeline).toEqual(['response sent']);
  });

  test('POST /process-data/ with a JSON array', async () => {
    const { t } = setup();
    await using _ = t;

    const res = await t.post('/process-data/', [1, 2]);

    expect(res.status).toBe(400);
    expect(res.json<{ error: { details: unknown } }>().error.details).toEqual([
      { field: 'data', constraints: { isObject: 'data must be an object' } },
    ]);
    expect(res).not.toHaveEmitted(DataReceived);
  });

  test('POST /log-action/ without ?action=', async () => {
    const { t, actionsLogPath } = setup();
    await using _ = t;

    const res = await t.post('/log-action/');

    expect(res.status).toBe(400);
    expect(res.json<{ error: { details: unknown } }>().error.details).toEqual([
      { field: 'action', constraints: { isString: 'action must be a string' } },
    ]);
    expect(res).not.toHaveEmitted(UserActionLogged);
    await expect(readFile(actionsLogPath, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('POST /send-email/ with an address that is not one', async () => {
    const { t } = setup();
    await using _ = t;

    const res = await t.post('/send-email/?email=not-an-email');

    expect(res.status).toBe(400);
    expect(res).not.toHaveEmitted(WelcomeEmailRequested);
  });
});
