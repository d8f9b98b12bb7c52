import type { Class } from '../kernel/class';
import { InvalidRouteDefinitionError } from '../kernel/errors';
import { hasValidationRules } from '../kernel/validation-rules';
import type { ParamBinding } from './metadata';

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
 * names its path declares; `paramTypes` its `design:paramtypes`, if emitted:
 * `@Body()` and `@Query()` without a class take the DTO from there.
 */
export function checkParams(
  bindings: readonly ParamBinding[],
  arity: number,
  pathParams: ReadonlySet<string>,
  where: string,
  paramTypes?: readonly unknown[],
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
    byIndex[binding.index] = checkBinding(binding, pathParams, at, paramTypes?.[binding.index]);
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

/** The checked binding; `@Body()`/`@Query()` get the DTO of their parameter type, if any. */
function checkBinding(
  binding: ParamBinding,
  pathParams: ReadonlySet<string>,
  at: string,
  paramType: unknown,
): ParamBinding {
  switch (binding.kind) {
    case 'body':
    case 'query': {
      if (binding.kind === 'query' && binding.name !== undefined) {
        checkName(binding.name, '@Query', at);
        return binding;
      }
      const decorator = decoratorName(binding.kind);
      if (binding.dtoGiven) {
        checkDto(binding.dto, decorator, at);
        return binding;
      }
      if (paramType === Function) {
        // What tsc emits for a class imported with `import type` (its value is
        // not there to reference): passing the raw body would be a silent surprise.
        throw new InvalidRouteDefinitionError(
          at,
          `the parameter type of ${decorator}() was emitted as Function: a class imported with \`import type\`? Import it as a value, or name it: ${decorator}(Dto)`,
        );
      }
      const dto = dtoOfParamType(paramType);
      if (dto === undefined) return binding; // the raw body / query
      checkRules(dto, `DTO ${dto.name} (the parameter type)`, at, true);
      return { ...binding, dto };
    }
    case 'param':
      checkName(binding.name, '@Param', at);
      if (!pathParams.has(binding.name)) {
        const declared = [...pathParams].map((p) => `:${p}`).join(', ') || 'none';
        throw new InvalidRouteDefinitionError(
          at,
          `@Param('${binding.name}') is not declared in the route path (declared: ${declared})`,
        );
      }
      return binding;
    case 'header':
      checkName(binding.name, '@Header', at);
      return binding;
    case 'ctx':
      return binding;
  }
}

/**
 * The DTO class a parameter type names, or undefined when the type is no DTO:
 * `Object` (what TypeScript emits for `unknown`, `any`, interfaces, type
 * literals, unions and generics), `String`/`Number`/`Boolean`, `Array` and the
 * other built-in classes, or `undefined` (no type emitted).
 */
function dtoOfParamType(type: unknown): Class<object> | undefined {
  if (typeof type !== 'function' || type.prototype === undefined || isBuiltIn(type)) {
    return undefined;
  }
  return type as Class<object>;
}

// Built-in constructors (Object, String, Array, Date, Map...) are native code;
// classes written in TypeScript or JavaScript are not.
function isBuiltIn(fn: Function): boolean {
  return /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(fn));
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
  checkRules(dto as Class, `DTO ${dto.name}`, at, false);
}

function checkRules(dto: Class, label: string, at: string, fromType: boolean): void {
  if (!hasValidationRules(dto)) {
    throw new InvalidRouteDefinitionError(
      at,
      `${label} has no class-validator decorators, so every request would be rejected; decorate its properties (@IsString(), @IsOptional()...)${fromType ? ', or type the parameter `unknown` (or an interface) for the raw input' : ''}`,
    );
  }
}
