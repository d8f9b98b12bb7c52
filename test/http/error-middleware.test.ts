import type Koa from 'koa';
import type { Context } from 'koa';
import { Controller, Ctx, Get, HttpError, Param } from 'koa-event-bus';
import { controllerApp } from '../fixtures/controller-app';
import { recordingLogger } from '../fixtures/recording-logger';

class Boom extends Error {}

@Controller('/fail')
class FailingController {
  @Get('/conflict')
  conflict() {
    throw new HttpError(409, 'Email already registered', { email: 'ada@example.com' });
  }

  @Get('/unavailable')
  unavailable() {
    throw new HttpError(503, 'database pool exhausted at db-3.internal', { host: 'db-3' });
  }

  @Get('/throw/:status')
  ctxThrow(@Ctx() ctx: Context, @Param('status') status: string) {
    ctx.throw(Number(status), 'koa says no');
  }

  @Get('/unknown')
  async unknown() {
    await Promise.resolve();
    throw new Boom('secret: password=hunter2');
  }

  @Get('/string')
  string() {
    throw 'a thrown string';
  }

  @Get('/with-state-id')
  withStateId(@Ctx() ctx: Context) {
    ctx.state.requestId = 'from-state';
    throw new Error('kaput');
  }
}

/** Records what an outer middleware (like eventScope) sees once the chain returns. */
function outerRecorder() {
  const seen: { status: number; error: unknown; escaped: boolean }[] = [];
  const outer: Koa.Middleware = async (ctx, next) => {
    let escaped = false;
    try {
      await next();
    } catch {
      escaped = true;
    }
    seen.push({ status: ctx.status, error: ctx.state.error, escaped });
  };
  return { outer, seen };
}

describe('httpErrors', () => {
  const logger = recordingLogger();
  const { outer, seen } = outerRecorder();
  const { http } = controllerApp([FailingController], { logger, outer });
  beforeEach(() => {
    logger.lines.length = 0;
    seen.length = 0;
  });

  it('maps an HttpError to its status with message, details and request id', async () => {
    const res = await http.get('/fail/conflict').set('x-request-id', 'abc-123');
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      error: {
        code: 'KEB_HTTP_ERROR',
        message: 'Email already registered',
        details: { email: 'ada@example.com' },
        requestId: 'abc-123',
      },
    });
    expect(logger.lines).toEqual([]);
  });

  it('lets an outer middleware see status >= 400 and ctx.state.error, without the error escaping', async () => {
    await http.get('/fail/conflict');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.status).toBe(409);
    expect(seen[0]?.escaped).toBe(false);
    expect(seen[0]?.error).toBeInstanceOf(HttpError);
  });

  it('hides the message and details of a 5xx HttpError, and logs it', async () => {
    const res = await http.get('/fail/unavailable').set('x-request-id', 'r-503');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: { code: 'KEB_INTERNAL_ERROR', message: 'Service Unavailable', requestId: 'r-503' },
    });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.obj.requestId).toBe('r-503');
  });

  it.each([
    [400, 'koa says no'],
    [403, 'koa says no'],
    [404, 'koa says no'],
    [500, 'Internal Server Error'],
  ])('maps ctx.throw(%i) to that status (message exposed below 500)', async (status, message) => {
    const res = await http.get(`/fail/throw/${status}`);
    expect(res.status).toBe(status);
    const code = status >= 500 ? 'KEB_INTERNAL_ERROR' : 'KEB_HTTP_ERROR';
    expect(res.body).toEqual({ error: { code, message } });
  });

  it('answers an unknown error with a generic 500, no stack, and logs it with the request id', async () => {
    const res = await http.get('/fail/unknown').set('x-request-id', 'req-42');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: 'KEB_INTERNAL_ERROR', message: 'Internal Server Error', requestId: 'req-42' },
    });
    expect(res.text).not.toMatch(/hunter2|Boom|at /);
    expect(logger.lines).toHaveLength(1);
    const entry = logger.lines[0]!;
    expect(entry.msg).toBe('GET /fail/unknown failed with 500 (request id: req-42)');
    expect(entry.obj).toMatchObject({
      requestId: 'req-42',
      method: 'GET',
      path: '/fail/unknown',
      status: 500,
    });
    expect(entry.obj.err).toBeInstanceOf(Boom);
    expect(seen[0]).toMatchObject({ status: 500, escaped: false });
    expect(seen[0]?.error).toBeInstanceOf(Boom);
  });

  it('prefers ctx.state.requestId over the header', async () => {
    const res = await http.get('/fail/with-state-id').set('x-request-id', 'from-header');
    expect(res.body.error.requestId).toBe('from-state');
    expect(logger.lines[0]?.obj.requestId).toBe('from-state');
  });

  it('handles thrown non-Error values as 500', async () => {
    const res = await http.get('/fail/string');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: 'KEB_INTERNAL_ERROR', message: 'Internal Server Error' },
    });
    expect(logger.lines[0]?.obj.err).toBe('a thrown string');
    expect(logger.lines[0]?.msg).toBe('GET /fail/string failed with 500 (request id: none)');
  });
});
