import 'reflect-metadata';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from 'koa-event-bus';
import request from 'supertest';
import { createBackgroundTasksApp } from './app';
import { Mailer, ProcessedData } from './services';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'keb-bg-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup() {
  const logPath = path.join(dir, 'log.txt');
  const app = createBackgroundTasksApp({ logPath, logger: silentLogger });
  return { app, logPath, http: request(app.callback()) };
}

describe("FastAPI's background-tasks samples, ported", () => {
  test('POST /process-data/ answers at once; the data is processed after the response', async () => {
    const { app, http } = setup();
    const processed = app.bus.resolver.get(ProcessedData);
    const res = await http.post('/process-data/').send({ id: 7, name: 'sensor-a' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'Data received' });
    await app.bus.drain();
    expect(processed.items).toEqual([{ id: 7, name: 'sensor-a', processed: true }]);
  });

  test('POST /send-email/ answers at once; the welcome email is sent afterwards', async () => {
    const { app, http } = setup();
    const res = await http.post('/send-email/?email=ada@example.com');
    expect(res.body).toEqual({ message: 'Email will be sent' });
    await app.bus.drain();
    expect(app.bus.resolver.get(Mailer).sent).toEqual(['Welcome email sent to ada@example.com']);
  });

  test('POST /log-action/?action=... appends "Action: ..." to the log file', async () => {
    const { app, http, logPath } = setup();
    await http.post('/log-action/?action=login').expect(200, { message: 'Action logged' });
    await http.post('/log-action/?action=logout').expect(200);
    await app.bus.drain();
    expect(await readFile(logPath, 'utf8')).toBe('Action: login\nAction: logout\n');
  });

  test('bad input is a 400 and starts no background work', async () => {
    const { app, http, logPath } = setup();
    const bad = await http.post('/send-email/?email=not-an-email');
    const missing = await http.post('/log-action/');
    const notObject = await http.post('/process-data/').send([1, 2]);
    await app.bus.drain();
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { field: 'email', constraints: { isEmail: 'email must be an email' } },
    ]);
    expect(missing.status).toBe(400);
    expect(notObject.status).toBe(400);
    expect(app.bus.resolver.get(Mailer).sent).toEqual([]);
    await expect(readFile(logPath, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
