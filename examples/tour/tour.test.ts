import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { app, Mailer } from './tour';

test('the README tour is this file, verbatim', () => {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /## A 30-line tour[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBe(readFileSync(path.join(__dirname, 'tour.ts'), 'utf8'));
});

test('the tour app answers 201 and sends the welcome email afterwards', async () => {
  const res = await request(app.callback()).post('/users').send({ email: 'ada@example.com' });
  expect(res.status).toBe(201);
  expect(res.body).toEqual({ id: expect.any(String), email: 'ada@example.com' });
  await app.bus.drain();
  expect(app.bus.resolver.get(Mailer).sent).toEqual(['ada@example.com']);
});
