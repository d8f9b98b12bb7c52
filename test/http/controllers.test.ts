import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import type { Context } from 'koa';
import {
  Body,
  Controller,
  Ctx,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from 'koa-event-bus';
import { controllerApp } from '../fixtures/controller-app';

class PageQuery {
  @Type(() => Number) @IsInt() @Min(1) page!: number;
  @IsOptional() @IsString() sort?: string;
}

@Controller('/items')
class ItemsController {
  readonly calls: string[] = [];

  @Get()
  list(@Query('tag') tag: string | string[] | undefined) {
    return { tag: tag ?? null };
  }

  @Get('/paged')
  paged(@Query(PageQuery) query: PageQuery) {
    return {
      page: query.page,
      typeofPage: typeof query.page,
      sort: query.sort ?? null,
      isDto: query instanceof PageQuery,
    };
  }

  @Get('/:id')
  show(@Param('id') id: string, @Header('X-Tenant') tenant: string | undefined) {
    return { id, tenant };
  }

  @Post('/')
  @HttpCode(201)
  create(@Body() body: unknown) {
    return { created: body };
  }

  @Put('/:id')
  replace(@Param('id') id: string, @Body() body: unknown) {
    return { replaced: id, with: body };
  }

  @Patch('/:id/tags/:tag')
  tag(@Param('tag') tag: string, @Param('id') id: string) {
    return [id, tag];
  }

  @Delete('/:id')
  remove(@Param('id') id: string) {
    this.calls.push(`remove ${id}`);
  }

  @Post('/jobs')
  @HttpCode(202)
  enqueue() {}

  @Get('/text/greeting')
  greeting() {
    return 'hello';
  }

  @Get('/text/nothing')
  nothing() {
    return null;
  }

  @Get('/csv/export')
  exportCsv(@Ctx() ctx: Context) {
    ctx.type = 'text/csv';
    ctx.body = 'a,b\n1,2\n';
  }

  @Get('/status/accepted')
  accepted(@Ctx() ctx: Context) {
    ctx.status = 202;
    return { queued: true };
  }

  @Get('/status/gone')
  gone(@Ctx() ctx: Context) {
    ctx.status = 410;
  }
}

@Controller()
class RootController {
  @Get()
  async health() {
    await Promise.resolve();
    return { ok: true };
  }
}

describe('controllers: verbs, parameters and results', () => {
  const { http } = controllerApp([ItemsController, RootController]);

  it('GET with a prefix-less controller and an async method', async () => {
    const res = await http.get('/');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('GET binds @Query(name), single and repeated', async () => {
    expect((await http.get('/items?tag=a')).body).toEqual({ tag: 'a' });
    expect((await http.get('/items?tag=a&tag=b')).body).toEqual({ tag: ['a', 'b'] });
    expect((await http.get('/items')).body).toEqual({ tag: null });
  });

  it('GET binds @Query(Dto) as a transformed, validated instance', async () => {
    const res = await http.get('/items/paged?page=3&sort=name');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ page: 3, typeofPage: 'number', sort: 'name', isDto: true });
  });

  it('GET binds @Param and @Header (case-insensitive)', async () => {
    const res = await http.get('/items/42').set('x-tenant', 'acme');
    expect(res.body).toEqual({ id: '42', tenant: 'acme' });
    expect((await http.get('/items/42')).body).toEqual({ id: '42' });
  });

  it('POST with @HttpCode(201) returns the value as JSON', async () => {
    const res = await http.post('/items').send({ name: 'pen' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ created: { name: 'pen' } });
  });

  it('PUT binds a param and the raw body', async () => {
    const res = await http.put('/items/7').send({ name: 'pencil' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ replaced: '7', with: { name: 'pencil' } });
  });

  it('PATCH binds several params in decorator order, not path order', async () => {
    const res = await http.patch('/items/7/tags/red');
    expect(res.body).toEqual(['7', 'red']);
  });

  it('DELETE returning undefined answers 204 with no body', async () => {
    const res = await http.delete('/items/9');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('@HttpCode(202) on a method returning undefined answers 202 with no body', async () => {
    const res = await http.post('/items/jobs');
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
  });

  it('a returned string or null is sent as JSON', async () => {
    const greeting = await http.get('/items/text/greeting');
    expect(greeting.headers['content-type']).toMatch(/^application\/json/);
    expect(greeting.text).toBe('"hello"');
    const nothing = await http.get('/items/text/nothing');
    expect(nothing.status).toBe(200);
    expect(nothing.text).toBe('null');
  });

  it('keeps a body and a status the method set on ctx', async () => {
    const csv = await http.get('/items/csv/export');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toBe('a,b\n1,2\n');
    const accepted = await http.get('/items/status/accepted');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ queued: true });
  });

  it('a 4xx status set by the method without a body gets the JSON error shape', async () => {
    const res = await http.get('/items/status/gone');
    expect(res.status).toBe(410);
    expect(res.body).toEqual({ error: { code: 'KEB_HTTP_ERROR', message: 'Gone' } });
  });

  it('unknown routes and methods answer 404/405 in the JSON error shape', async () => {
    const missing = await http.get('/nope').set('x-request-id', 'r-404');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 'KEB_HTTP_ERROR', message: 'Not Found', requestId: 'r-404' },
    });
    const wrongVerb = await http.post('/items/42');
    expect(wrongVerb.status).toBe(405);
    expect(wrongVerb.headers.allow).toContain('GET');
    expect(wrongVerb.body.error.message).toBe('Method Not Allowed');
  });
});
