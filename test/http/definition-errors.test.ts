import { Router } from '@koa/router';
import { IsString } from 'class-validator';
import {
  Body,
  type Class,
  ConstructorResolver,
  Controller,
  Ctx,
  Get,
  Header,
  HttpCode,
  mountControllers,
  Param,
  Post,
  Query,
} from 'koa-event-bus';

class ValidDto {
  @IsString() name!: string;
}

class NoRulesDto {
  name!: string;
}

function mountError(...controllers: Class[]): { code?: string; where?: string; message: string } {
  const router = new Router();
  try {
    mountControllers(router, controllers, { resolver: new ConstructorResolver() });
  } catch (err) {
    expect(router.stack).toHaveLength(0); // all or nothing
    return err as { code?: string; where?: string; message: string };
  }
  throw new Error('expected mountControllers to throw');
}

describe('mount-time definition errors (KEB_INVALID_ROUTE_DEFINITION)', () => {
  it('a route method on a class without @Controller', () => {
    class Plain {
      @Get('/') list() {}
    }
    const err = mountError(Plain);
    expect(err).toMatchObject({ code: 'KEB_INVALID_ROUTE_DEFINITION', where: 'Plain' });
    expect(err.message).toContain('has route decorators but no @Controller()');
  });

  it('a class that is no controller at all, and a non-class', () => {
    class Nothing {}
    expect(mountError(Nothing).message).toContain('is not a controller');
    expect(mountError({} as Class).message).toContain('controllers must be classes');
  });

  it('two parameter decorators on one parameter', () => {
    @Controller('/x')
    class Twice {
      @Get('/:id') show(@Param('id') @Query('id') _id: string) {}
    }
    const err = mountError(Twice);
    expect(err.where).toBe('Twice.show(parameter #0)');
    expect(err.message).toMatch(/two decorators \(@Query and @Param\)/);
  });

  it('a @Body DTO that is not a class (undefined from a circular import, or an object)', () => {
    const Missing = undefined as unknown as Class<object>;
    @Controller('/x')
    class Circular {
      @Post('/') create(@Body(Missing) _dto: unknown) {}
    }
    const err = mountError(Circular);
    expect(err.where).toBe('Circular.create(parameter #0)');
    expect(err.message).toContain('@Body(...) needs a DTO class, got undefined');

    @Controller('/x')
    class NotAClass {
      @Post('/') create(@Body({} as Class<object>) _dto: unknown) {}
    }
    expect(mountError(NotAClass).message).toContain('needs a DTO class, got object');
  });

  it('a DTO without class-validator rules (it would reject every request)', () => {
    @Controller('/x')
    class Bare {
      @Get('/') list(@Query(NoRulesDto) _q: NoRulesDto) {}
    }
    expect(mountError(Bare).message).toContain('DTO NoRulesDto has no class-validator decorators');
  });

  it('a @Param that the path does not declare', () => {
    @Controller('/users')
    class Typo {
      @Get('/:userId') show(@Param('id') _id: string) {}
    }
    const err = mountError(Typo);
    expect(err.where).toBe('Typo.show(parameter #0)');
    expect(err.message).toContain(
      "@Param('id') is not declared in the route path (declared: :userId)",
    );
  });

  it('a parameter without a decorator', () => {
    @Controller('/x')
    class Gap {
      @Post('/') create(_first: string, @Body(ValidDto) _dto: ValidDto) {}
    }
    const err = mountError(Gap);
    expect(err.where).toBe('Gap.create(parameter #0)');
    expect(err.message).toContain('has no decorator');
  });

  it('empty names for @Param, @Query and @Header', () => {
    @Controller('/x')
    class Empty {
      @Get('/') list(@Header('') _h: string) {}
    }
    expect(mountError(Empty).message).toContain('@Header() needs a non-empty name');
  });

  it('@HttpCode out of range, or on a method without a route', () => {
    @Controller('/x')
    class BadCode {
      @Get('/') @HttpCode(1000) list() {}
    }
    expect(mountError(BadCode)).toMatchObject({ where: 'BadCode.list' });
    expect(mountError(BadCode).message).toContain('@HttpCode(1000) is not an HTTP status');

    @Controller('/x')
    class Unrouted {
      @HttpCode(201) create() {}
    }
    expect(mountError(Unrouted).message).toContain(
      '@HttpCode() is on a method without a route decorator',
    );
  });

  it('parameter decorators on a method without a route, or on the constructor', () => {
    @Controller('/x')
    class Helper {
      helper(@Ctx() _ctx: unknown) {}
    }
    expect(mountError(Helper).message).toContain(
      'parameter decorators are on a method without a route',
    );

    @Controller('/x')
    class Ctor {
      constructor(@Body() readonly body: unknown) {}
    }
    const err = mountError(Ctor);
    expect(err.where).toBe('Ctor constructor');
    expect(err.message).toContain(
      'parameter #0 has a request decorator (@Body); constructor parameters are injected',
    );
  });

  it('a route decorator on a static method', () => {
    @Controller('/x')
    class Static {
      @Get('/') static list() {}
    }
    expect(mountError(Static).message).toContain('route decorators only work on instance methods');
  });

  it('the same verb and path twice, across controllers', () => {
    @Controller('/users')
    class A {
      @Get('/:id') show(@Param('id') _id: string) {}
    }
    @Controller('/users/')
    class B {
      @Get(':id') find(@Param('id') _id: string) {}
    }
    const err = mountError(A, B);
    expect(err.where).toBe('B.find');
    expect(err.message).toContain('GET /users/:id is already routed to A.show');
  });

  it('a path @koa/router cannot parse', () => {
    @Controller('/x')
    class Unparsable {
      @Get('/:') list() {}
    }
    const err = mountError(Unparsable);
    expect(err.where).toBe('Unparsable.list');
    expect(err.message).toContain('path "/x/:" cannot be parsed');
  });
});
