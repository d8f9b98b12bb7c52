import type { Context } from 'koa';
import { ValidationFailedError } from '../kernel/errors';
import { unsafeInputErrors } from '../kernel/unsafe-input';
import type { ParamBinding } from './metadata';
import { validateDtoNow } from './validate-dto';

/**
 * The arguments of one route method call, from its (checked) bindings.
 * DTOs are validated here, so a bad request fails before the method runs.
 */
export function resolveArguments(
  params: readonly ParamBinding[],
  ctx: Context,
): unknown[] | Promise<unknown[]> {
  const args: unknown[] = [];
  let pending = false;
  for (const binding of params) {
    const arg = resolveOne(binding, ctx);
    if (arg instanceof Promise) pending = true;
    args.push(arg);
  }
  // Only a DTO with an asynchronous rule makes a promise here.
  return pending ? Promise.all(args) : args;
}

function resolveOne(binding: ParamBinding, ctx: Context): unknown {
  switch (binding.kind) {
    case 'body': {
      const body = ctx.request.body;
      if (binding.dto !== undefined) return validateDtoNow(binding.dto, body, 'body');
      // A raw body is still checked for `__proto__`/`constructor`/`prototype`
      // keys (user code may merge it into other objects) and for depth.
      const unsafe = unsafeInputErrors(body);
      if (unsafe.length > 0) throw new ValidationFailedError('body', unsafe);
      return body;
    }
    case 'param':
      return (ctx as Context & { params?: Record<string, string> }).params?.[binding.name];
    case 'query': {
      if (binding.name !== undefined) return ctx.query[binding.name];
      if (binding.dto !== undefined) return validateDtoNow(binding.dto, ctx.query, 'query');
      // `@Query()` without a DTO: the whole query, checked as a raw body is.
      const unsafe = unsafeInputErrors(ctx.query);
      if (unsafe.length > 0) throw new ValidationFailedError('query', unsafe);
      return ctx.query;
    }
    case 'header':
      return ctx.request.headers[binding.name.toLowerCase()];
    case 'ctx':
      return ctx;
  }
}
