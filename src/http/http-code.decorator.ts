import { classOf, recordHttpCode } from './metadata';

/**
 * Sets the success status of a route (default: 200 with a body, 204 without).
 * A status the method sets itself on `ctx`, and any thrown error, win over it.
 * Checked at mount time: it must be an integer from 100 to 599 on a routed method.
 *
 * @example
 * ```ts
 * @Post('/') @HttpCode(201)
 * create(@Body(CreateUserDto) dto: CreateUserDto) { return this.users.create(dto); }
 *
 * @Post('/jobs') @HttpCode(202)
 * enqueue() {}            // 202 with an empty body
 * ```
 */
export function HttpCode(status: number): MethodDecorator {
  return (target, propertyKey) => {
    recordHttpCode(classOf(target), propertyKey, status);
  };
}
