import { classOf, type HttpMethod, recordRoute } from './metadata';

function route(method: HttpMethod, path: string): MethodDecorator {
  return (target, propertyKey) => {
    recordRoute(classOf(target), {
      method,
      path,
      handler: propertyKey,
    });
  };
}

/**
 * Routes `GET <prefix><path>` to this method. Its return value becomes the
 * JSON body (`undefined` → 204 unless `@HttpCode` says otherwise).
 *
 * @example
 * ```ts
 * @Get('/:id')
 * show(@Param('id') id: string) { return { id }; }
 * ```
 */
export function Get(path = '/'): MethodDecorator {
  return route('get', path);
}

/**
 * Routes `POST <prefix><path>` to this method.
 *
 * @example
 * ```ts
 * @Post('/') @HttpCode(201)
 * create(@Body(CreateUserDto) dto: CreateUserDto) { return this.users.create(dto); }
 * ```
 */
export function Post(path = '/'): MethodDecorator {
  return route('post', path);
}

/**
 * Routes `PUT <prefix><path>` to this method.
 *
 * @example
 * ```ts
 * @Put('/:id')
 * replace(@Param('id') id: string, @Body(UserDto) dto: UserDto) { return this.users.replace(id, dto); }
 * ```
 */
export function Put(path = '/'): MethodDecorator {
  return route('put', path);
}

/**
 * Routes `PATCH <prefix><path>` to this method.
 *
 * @example
 * ```ts
 * @Patch('/:id')
 * rename(@Param('id') id: string, @Body(RenameDto) dto: RenameDto) { return this.users.rename(id, dto.name); }
 * ```
 */
export function Patch(path = '/'): MethodDecorator {
  return route('patch', path);
}

/**
 * Routes `DELETE <prefix><path>` to this method. Return nothing to answer 204.
 *
 * @example
 * ```ts
 * @Delete('/:id')
 * async remove(@Param('id') id: string) { await this.users.remove(id); }
 * ```
 */
export function Delete(path = '/'): MethodDecorator {
  return route('delete', path);
}
