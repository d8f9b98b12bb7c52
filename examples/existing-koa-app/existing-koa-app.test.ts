import 'reflect-metadata';
import request from 'supertest';
import { buildExistingApp } from './app';

test('eventScope + mountControllers in an existing Koa app', async () => {
  const { koa, bus, notifications } = buildExistingApp();
  const http = request(koa.callback());
  await http.get('/health').expect(200, { ok: true });
  const res = await http.post('/orders/o-42/ship');
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ id: 'o-42', status: 'shipping' });
  await bus.drain();
  expect(notifications.sent).toEqual(['order o-42 shipped']);
});
