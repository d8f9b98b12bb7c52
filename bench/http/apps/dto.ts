/**
 * The bench body, `{ id: 42, name: 'bench', tags: ['a', 'b'], nested: { ok: true } }`, as a
 * class-validator DTO (with a nested DTO, as real request bodies have). Built on first use:
 * class-validator and class-transformer resolve from the root node_modules, the copies src/ uses,
 * and only the children that need them load them.
 */
export function dataDto(): new () => object {
  if (built) return built;
  const { IsArray, IsBoolean, IsInt, IsString, MaxLength, ValidateNested } =
    require('class-validator') as typeof import('class-validator');
  const { Type } = require('class-transformer') as typeof import('class-transformer');
  class NestedDto {
    @IsBoolean() ok!: boolean;
  }
  class DataDto {
    @IsInt() id!: number;
    @IsString() @MaxLength(100) name!: string;
    @IsArray() @IsString({ each: true }) tags!: string[];
    @ValidateNested() @Type(() => NestedDto) nested!: NestedDto;
  }
  built = DataDto;
  return built;
}
let built: (new () => object) | undefined;

export const BODY = { id: 42, name: 'bench', tags: ['a', 'b'], nested: { ok: true } };
export const BODY_JSON = JSON.stringify(BODY);
