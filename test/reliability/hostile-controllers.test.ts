import { Controller, createApp, Get, silentLogger } from 'koa-event-bus';
import supertest from 'supertest';
import { nextTurn } from '../fixtures/next-turn';
import { hostileValues, processFaults } from './hostile';

// What a controller throws is user code too: whatever it is, the client gets a
// 500 with the JSON error shape, the process keeps serving, nothing escapes.
let behave: () => unknown = () => undefined;

@Controller('/hostile')
class HostileController {
  @Get('/')
  get(): unknown {
    throw behave();
  }
}

const faults = processFaults();
beforeAll(() => faults.install());
afterAll(() => faults.uninstall());

describe('a controller that throws a hostile value', () => {
  const app = createApp({ controllers: [HostileController], logger: silentLogger });
  app.router.get('/health', (ctx) => {
    ctx.body = 'ok';
  });
  const http = supertest(app.callback());

  test.each(Object.entries(hostileValues))(
    '%s: 500 KEB_INTERNAL_ERROR, and the app keeps serving',
    async (_, make) => {
      behave = make;
      const res = await http.get('/hostile');
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('KEB_INTERNAL_ERROR');
      expect((await http.get('/health')).status).toBe(200);
      await nextTurn();
      expect(faults.seen).toEqual([]);
    },
  );
});
