import { Router } from '@koa/router';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import {
  Body,
  type Class,
  ConstructorResolver,
  Controller,
  Get,
  HttpCode,
  mountControllers,
  Post,
  Query,
} from 'koa-event-bus';
import { controllerApp } from '../fixtures/controller-app';

// `@Body() dto: CreateOrderDto` / `@Query() q: PageDto`: the DTO is read from
// the parameter's TypeScript type (design:paramtypes, emitted because
// tsconfig has emitDecoratorMetadata), as in NestJS and routing-controllers.

class CreateOrderDto {
  @IsEmail() email!: string;
  @IsInt() @Min(1) quantity!: number;
  @IsOptional() @IsString() note?: string;
}

class LooseDto {
  @IsString() anything!: string;
}

class PageDto {
  @Type(() => Number) @IsInt() @Min(1) @Max(100) limit!: number;
  @IsOptional() @IsString() @MinLength(2) q?: string;
}

interface OrderShape {
  email: string;
}

class NoRulesDto {
  name!: string;
}

const seen: { isDto: boolean; value: unknown }[] = [];

@Controller('/typed')
class TypedController {
  @Post('/orders')
  @HttpCode(201)
  create(@Body() dto: CreateOrderDto) {
    seen.push({ isDto: dto instanceof CreateOrderDto, value: dto });
    return { isDto: dto instanceof CreateOrderDto, dto };
  }

  @Post('/unknown')
  unknownBody(@Body() body: unknown) {
    return { isObject: body?.constructor === Object, body };
  }

  @Post('/record')
  record(@Body() body: Record<string, unknown>) {
    return { isObject: body.constructor === Object, body };
  }

  @Post('/interface')
  shaped(@Body() body: OrderShape) {
    return { isObject: body.constructor === Object, body };
  }

  @Post('/array')
  array(@Body() body: CreateOrderDto[]) {
    return { isArray: Array.isArray(body), body };
  }

  @Post('/text')
  text(@Body() body: string) {
    return { body };
  }

  @Post('/explicit')
  explicit(@Body(LooseDto) dto: CreateOrderDto) {
    return { isLoose: (dto as unknown) instanceof LooseDto, dto };
  }

  @Get('/page')
  page(@Query() query: PageDto) {
    return { isDto: query instanceof PageDto, limitType: typeof query.limit, query };
  }

  @Get('/raw-query')
  rawQuery(@Query() query: Record<string, string | string[]>) {
    return { query };
  }
}

describe('typed @Body() and @Query(): the DTO is the parameter type', () => {
  const { http } = controllerApp([TypedController]);
  beforeEach(() => {
    seen.length = 0;
  });

  it('passes a valid body as a real DTO instance', async () => {
    const res = await http.post('/typed/orders').send({ email: 'ada@example.com', quantity: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ isDto: true, dto: { email: 'ada@example.com', quantity: 2 } });
    expect(seen).toEqual([{ isDto: true, value: expect.any(CreateOrderDto) }]);
  });

  it('answers 400 KEB_VALIDATION_FAILED listing the invalid fields, before the method runs', async () => {
    const res = await http.post('/typed/orders').send({ email: 'nope', quantity: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'KEB_VALIDATION_FAILED',
      message: 'Invalid request body.',
      details: [
        { field: 'email', constraints: { isEmail: 'email must be an email' } },
        { field: 'quantity', constraints: { min: 'quantity must not be less than 1' } },
      ],
    });
    expect(seen).toEqual([]);
  });

  it('rejects unknown fields, as @Body(Dto) does', async () => {
    const res = await http
      .post('/typed/orders')
      .send({ email: 'ada@example.com', quantity: 2, isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      {
        field: 'isAdmin',
        constraints: { whitelistValidation: 'property isAdmin should not exist' },
      },
    ]);
    expect(seen).toEqual([]);
  });

  it('rejects a body that is not an object where the typed DTO is expected', async () => {
    const res = await http.post('/typed/orders').send([{ email: 'ada@example.com', quantity: 2 }]);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { field: '', constraints: { isObject: 'body must be an object' } },
    ]);
  });

  it.each([
    ['unknown', '/typed/unknown'],
    ['Record<string, unknown>', '/typed/record'],
    ['an interface', '/typed/interface'],
  ])('passes the raw body for @Body() body: %s', async (_type, path) => {
    const body = { email: 'not-checked', extra: [1, 2] };
    const res = await http.post(path).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ isObject: true, body });
  });

  it('passes the raw body for array and primitive parameter types', async () => {
    const arr = await http.post('/typed/array').send([{ anything: 1 }]);
    expect(arr.status).toBe(200);
    expect(arr.body).toEqual({ isArray: true, body: [{ anything: 1 }] });

    const text = await http.post('/typed/text').send({ a: 1 });
    expect(text.status).toBe(200);
    expect(text.body).toEqual({ body: { a: 1 } });
  });

  it('still checks a raw typed body for dangerous keys', async () => {
    const res = await http
      .post('/typed/record')
      .set('content-type', 'application/json')
      .send('{"__proto__": {"polluted": true}}');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('KEB_VALIDATION_FAILED');
  });

  it('an explicit @Body(Dto) wins over the parameter type', async () => {
    const ok = await http.post('/typed/explicit').send({ anything: 'x' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ isLoose: true, dto: { anything: 'x' } });

    const bad = await http.post('/typed/explicit').send({ email: 'ada@example.com', quantity: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'email',
      'quantity',
      'anything',
    ]);
  });

  it('validates a typed @Query() as a DTO, with @Type(() => Number) conversions', async () => {
    const ok = await http.get('/typed/page?limit=20&q=pens');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ isDto: true, limitType: 'number', query: { limit: 20, q: 'pens' } });

    const bad = await http.get('/typed/page?limit=500&sort=asc');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({
      code: 'KEB_VALIDATION_FAILED',
      message: 'Invalid request query.',
      details: [
        { field: 'sort', constraints: { whitelistValidation: 'property sort should not exist' } },
        { field: 'limit', constraints: { max: 'limit must not be greater than 100' } },
      ],
    });
  });

  it('passes the whole raw query for @Query() with a non-class type', async () => {
    const res = await http.get('/typed/raw-query?a=1&b=2&b=3');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ query: { a: '1', b: ['2', '3'] } });
  });

  it('still checks a raw query for dangerous keys', async () => {
    const res = await http.get('/typed/raw-query?__proto__=x');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Invalid request query.');
  });
});

describe('without design:paramtypes (esbuild, tsx)', () => {
  function withoutParamTypes<T extends Class>(cls: T): T {
    for (const key of Object.getOwnPropertyNames(cls.prototype)) {
      Reflect.deleteMetadata('design:paramtypes', cls.prototype, key);
    }
    return cls;
  }

  it('a typed @Body() cannot be detected: the raw body is passed', async () => {
    @Controller('/esbuild')
    class Esbuild {
      @Post('/') create(@Body() dto: CreateOrderDto) {
        return { isDto: dto instanceof CreateOrderDto };
      }
    }
    const { http } = controllerApp([withoutParamTypes(Esbuild)]);
    const res = await http.post('/esbuild').send({ email: 'nope' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ isDto: false });
  });

  it('the explicit @Body(Dto) and @Query(Dto) keep working', async () => {
    @Controller('/esbuild')
    class Esbuild {
      @Post('/') create(@Body(CreateOrderDto) dto: CreateOrderDto) {
        return { isDto: dto instanceof CreateOrderDto };
      }

      @Get('/') list(@Query(PageDto) page: PageDto) {
        return { limit: page.limit };
      }
    }
    const { http } = controllerApp([withoutParamTypes(Esbuild)]);
    expect((await http.post('/esbuild').send({ email: 'nope', quantity: 1 })).status).toBe(400);
    const ok = await http.post('/esbuild').send({ email: 'ada@example.com', quantity: 1 });
    expect(ok.body).toEqual({ isDto: true });
    expect((await http.get('/esbuild?limit=7')).body).toEqual({ limit: 7 });
  });
});

describe('a parameter type that is a class without class-validator rules', () => {
  it('is refused at mount time, as @Body(Dto) is (it would reject every request)', () => {
    @Controller('/x')
    class Bare {
      @Post('/') create(@Body() _dto: NoRulesDto) {}
    }
    const router = new Router();
    let error: unknown;
    try {
      mountControllers(router, [Bare], { resolver: new ConstructorResolver() });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      code: 'KEB_INVALID_ROUTE_DEFINITION',
      where: 'Bare.create(parameter #0)',
    });
    expect((error as Error).message).toContain(
      'DTO NoRulesDto (the parameter type) has no class-validator decorators',
    );
    expect(router.stack).toHaveLength(0);
  });
});

describe('a parameter type emitted as Function (a class imported with `import type`)', () => {
  it('is refused at mount time instead of silently passing the raw body', () => {
    @Controller('/x')
    class TypeOnly {
      @Post('/') create(@Body() _dto: CreateOrderDto) {}
    }
    // tsc emits `Function` for a class it knows only as a type (`import type { Dto }`).
    Reflect.defineMetadata('design:paramtypes', [Function], TypeOnly.prototype, 'create');
    const router = new Router();
    expect(() =>
      mountControllers(router, [TypeOnly], { resolver: new ConstructorResolver() }),
    ).toThrow('the parameter type of @Body() was emitted as Function');
    expect(router.stack).toHaveLength(0);
  });
});
