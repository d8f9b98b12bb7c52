import { InvalidRouteDefinitionError } from '../errors';
import type { Class } from '../types';
import type { ParamBinding } from './metadata';
import { hasValidationRules } from './validate-dto';

const DECORATOR: Record<ParamBinding['kind'], string> = {
  body: '@Body',
  param: '@Param',
  query: '@Query',
  header: '@Header',
  ctx: '@Ctx',
};

/** `'body'` → `'@Body'`, for messages. */
export function decoratorName(kind: ParamBinding['kind']): string {
  return DECORATOR[kind];
}

/**
 * Checks the parameter decorators of one route method and returns one binding
 * per parameter, in order. `arity` is the method's `length`; `pathParams` the
 * names its path declares.
 */
export function checkParams(
  bindings: readonly ParamBinding[],
  arity: number,
  pathParams: ReadonlySet<string>,
  where: string,
): ParamBinding[] {
  const byIndex: ParamBinding[] = [];
  for (const binding of bindings) {
    const at = `${where}(parameter #${binding.index})`;
    const previous = byIndex[binding.index];
    if (previous !== undefined) {
      throw new InvalidRouteDefinitionError(
        at,
        `one parameter has two decorators (${decoratorName(previous.kind)} and ${decoratorName(binding.kind)}); keep one`,
      );
    }
    checkBinding(binding, pathParams, at);
    byIndex[binding.index] = binding;
  }
  const count = Math.max(arity, byIndex.length);
  for (let i = 0; i < count; i++) {
    if (byIndex[i] === undefined) {
      throw new InvalidRouteDefinitionError(
        `${where}(parameter #${i})`,
        'the parameter has no decorator, so it would always be undefined; add @Body, @Param, @Query, @Header or @Ctx',
      );
    }
  }
  return byIndex;
}

function checkBinding(binding: ParamBinding, pathParams: ReadonlySet<string>, at: string): void {
  switch (binding.kind) {
    case 'body':
      if (binding.dtoGiven) checkDto(binding.dto, '@Body', at);
      return;
    case 'query':
      if (binding.name === undefined) checkDto(binding.dto, '@Query', at);
      else checkName(binding.name, '@Query', at);
      return;
    case 'param':
      checkName(binding.name, '@Param', at);
      if (!pathParams.has(binding.name)) {
        const declared = [...pathParams].map((p) => `:${p}`).join(', ') || 'none';
        throw new InvalidRouteDefinitionError(
          at,
          `@Param('${binding.name}') is not declared in the route path (declared: ${declared})`,
        );
      }
      return;
    case 'header':
      checkName(binding.name, '@Header', at);
      return;
    case 'ctx':
      return;
  }
}

function checkName(name: unknown, decorator: string, at: string): void {
  if (typeof name !== 'string' || name === '') {
    throw new InvalidRouteDefinitionError(at, `${decorator}() needs a non-empty name`);
  }
}

function checkDto(dto: unknown, decorator: string, at: string): void {
  if (typeof dto !== 'function' || dto.prototype === undefined) {
    throw new InvalidRouteDefinitionError(
      at,
      `${decorator}(...) needs a DTO class, got ${dto === undefined ? 'undefined (a circular or type-only import?)' : typeof dto}`,
    );
  }
  if (!hasValidationRules(dto as Class)) {
    throw new InvalidRouteDefinitionError(
      at,
      `DTO ${dto.name} has no class-validator decorators, so every request would be rejected; decorate its properties (@IsString(), @IsOptional()...)`,
    );
  }
}
