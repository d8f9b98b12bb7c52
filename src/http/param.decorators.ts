import type { Class } from '../kernel/class';
import { classOf, type ParamSource, recordParam } from './metadata';

function param(source: ParamSource): ParameterDecorator {
  return (target, propertyKey, index) => {
    // Constructor parameters (propertyKey undefined) are recorded too, so that
    // mountControllers can reject them with a clear message.
    recordParam(classOf(target), { ...source, handler: propertyKey ?? 'constructor', index });
  };
}

/**
 * Injects the request body, transformed with class-transformer and validated
 * with class-validator into a DTO class (whitelisting on: unknown fields are
 * rejected with 400, see `validateDto`). The DTO is the class given,
 * `@Body(CreateOrderDto)`, or else the parameter's TypeScript type,
 * `@Body() dto: CreateOrderDto`, read from the `design:paramtypes` metadata
 * that `emitDecoratorMetadata` emits. When the type is not a class (`unknown`,
 * `Record<string, unknown>`, an interface, a primitive, an array), the parsed
 * body is passed as is, once checked for `__proto__`, `constructor` and
 * `prototype` keys and excessive nesting (400 otherwise). esbuild and tsx emit
 * no parameter types: there, `@Body() dto: CreateOrderDto` gets the raw,
 * unvalidated body; write `@Body(CreateOrderDto)`, which works everywhere and
 * wins over the parameter type.
 *
 * @example
 * ```ts
 * @Post('/')
 * register(@Body(RegisterUserDto) dto: RegisterUserDto) { ... }
 *
 * @Post('/orders')
 * order(@Body() dto: CreateOrderDto) { ... }    // validated (tsc/ts-jest/ts-node)
 *
 * @Post('/raw')
 * raw(@Body() body: unknown) { ... }
 * ```
 */
export function Body(...args: [dto?: Class<object>]): ParameterDecorator {
  // args.length tells `@Body()` from `@Body(Dto)` where Dto is undefined at
  // decoration time (a circular import): the latter is a mount-time error.
  return param({ kind: 'body', dto: args[0], dtoGiven: args.length > 0 });
}

/**
 * Injects one route parameter (`:name` in the path), as a string.
 * Checked at mount time: the route path must declare it.
 *
 * @example
 * ```ts
 * @Get('/:id')
 * show(@Param('id') id: string) { ... }
 * ```
 */
export function Param(name: string): ParameterDecorator {
  return param({ kind: 'param', name });
}

/**
 * Injects one query-string value by name (`string | string[] | undefined`), or
 * the whole query string transformed and validated into a DTO class (values
 * arrive as strings: use class-transformer's `@Type(() => Number)` for numbers).
 * As with `@Body`, the DTO is the class given, `@Query(SearchQueryDto)`, or
 * else the parameter's TypeScript type, `@Query() query: SearchQueryDto`
 * (`design:paramtypes`; not emitted by esbuild/tsx). `@Query()` whose type is
 * not a class injects the whole query object unvalidated
 * (`Record<string, string | string[]>`, checked for dangerous keys).
 *
 * @example
 * ```ts
 * @Get('/')
 * list(@Query('cursor') cursor: string | undefined) { ... }
 *
 * @Get('/search')
 * search(@Query(SearchQueryDto) query: SearchQueryDto) { ... }
 *
 * @Get('/page')
 * page(@Query() page: PageDto) { ... }          // validated (tsc/ts-jest/ts-node)
 * ```
 */
export function Query(...args: [nameOrDto?: string | Class<object>]): ParameterDecorator {
  const [nameOrDto] = args;
  return typeof nameOrDto === 'string'
    ? param({ kind: 'query', name: nameOrDto, dto: undefined, dtoGiven: false })
    : param({ kind: 'query', name: undefined, dto: nameOrDto, dtoGiven: args.length > 0 });
}

/**
 * Injects one request header by name, case-insensitive
 * (`string | string[] | undefined`).
 *
 * @example
 * ```ts
 * @Get('/')
 * list(@Header('x-tenant-id') tenant: string | undefined) { ... }
 * ```
 */
export function Header(name: string): ParameterDecorator {
  return param({ kind: 'header', name });
}

/**
 * Injects the Koa context, for what the other decorators do not cover
 * (setting headers, cookies, streaming a body).
 *
 * @example
 * ```ts
 * @Get('/export')
 * export(@Ctx() ctx: Context) {
 *   ctx.type = 'text/csv';
 *   ctx.body = this.report.csv();   // set by the method: kept as is
 * }
 * ```
 */
export function Ctx(): ParameterDecorator {
  return param({ kind: 'ctx' });
}
