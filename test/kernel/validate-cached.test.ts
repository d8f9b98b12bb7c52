import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  Validate,
  ValidateIf,
  ValidateNested,
  type ValidationError,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  type ValidatorOptions,
  validate,
} from 'class-validator';
import fc from 'fast-check';
import { validateCached } from '../../src/kernel/validate-cached';

// validateCached is class-validator's validate with the per-class metadata
// lookups cached (issue 13). It must answer exactly what validate answers:
// checked on random (hostile) input against a set of DTOs that use nesting,
// arrays, inheritance, optional and conditional rules, custom and async
// constraints; and it must see rules added after its first call.

@ValidatorConstraint({ name: 'notReserved', async: true })
class NotReserved implements ValidatorConstraintInterface {
  async validate(value: unknown) {
    await Promise.resolve();
    return value !== 'admin';
  }
  defaultMessage() {
    return '$property is reserved';
  }
}

class AddressDto {
  @IsString() @MaxLength(10) city!: string;
  @IsOptional() @IsInt() @Min(1000) @Max(99999) zip?: number;
}

class BaseDto {
  @IsString() @Validate(NotReserved) name!: string;
}

class UserDto extends BaseDto {
  @IsEmail() email!: string;
  @IsArray() @ArrayMaxSize(3) @IsString({ each: true }) tags!: string[];
  @ValidateNested() @Type(() => AddressDto) address!: AddressDto;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => AddressDto) more?: AddressDto[];
  @ValidateIf((o: UserDto) => typeof o.email === 'string' && o.email.endsWith('@corp.example'))
  @IsBoolean()
  staff?: boolean;
}

const options: ValidatorOptions[] = [
  {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  },
  { forbidUnknownValues: false, validationError: { target: false, value: false } },
  { skipMissingProperties: true, stopAtFirstError: true, validationError: { target: false } },
];

const anyValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -10, max: 200_000 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant('admin'),
  fc.constant('ada@corp.example'),
  fc.constant('ada@example.com'),
);
const address = fc.oneof(
  anyValue,
  fc.record({ city: anyValue, zip: anyValue, extra: anyValue }, { requiredKeys: [] }),
);
const user = fc.record(
  {
    name: anyValue,
    email: anyValue,
    tags: fc.oneof(anyValue, fc.array(anyValue, { maxLength: 5 })),
    address,
    more: fc.oneof(anyValue, fc.array(address, { maxLength: 3 })),
    staff: anyValue,
    unknown: anyValue,
  },
  { requiredKeys: [] },
);

/** What a test compares: errors without functions or class identities. */
const shape = (errors: ValidationError[]) => JSON.parse(JSON.stringify(errors)) as unknown;

test('the same errors as class-validator validate, on random input and options', async () => {
  await fc.assert(
    fc.asyncProperty(user, fc.constantFrom(...options), async (plain, opts) => {
      const a = plainToInstance(UserDto, plain);
      const b = plainToInstance(UserDto, plain);
      expect(shape(await validateCached(a, opts))).toEqual(shape(await validate(b, opts)));
      expect(a).toEqual(b); // whitelist without forbidNonWhitelisted strips the same keys
    }),
    { numRuns: 500 },
  );
});

test('a valid DTO has no errors, and a nested invalid one names the nested field', async () => {
  const valid = plainToInstance(UserDto, {
    name: 'ada',
    email: 'ada@example.com',
    tags: ['a'],
    address: { city: 'Oslo' },
  });
  expect(await validateCached(valid, options[0]!)).toEqual([]);
  const invalid = plainToInstance(UserDto, { ...valid, address: { city: 'x'.repeat(11) } });
  const [error] = await validateCached(invalid, options[0]!);
  expect(error?.property).toBe('address');
  expect(error?.children?.[0]?.constraints).toEqual({
    maxLength: 'city must be shorter than or equal to 10 characters',
  });
});

test('rules added after the first call are seen: a later subclass, a decorator registered later', async () => {
  class Later {
    @IsString() a!: string;
  }
  const opts = options[0]!;
  expect(await validateCached(plainToInstance(Later, { a: 'x', b: 1 }), opts)).toHaveLength(1);

  // A rule registered on Later after it was validated (and cached).
  registerDecorator({
    target: Later,
    propertyName: 'b',
    options: { message: 'b must be odd' },
    validator: { validate: (v: unknown) => typeof v === 'number' && v % 2 === 1 },
  });
  expect(await validateCached(plainToInstance(Later, { a: 'x', b: 1 }), opts)).toEqual([]);
  const [even] = await validateCached(plainToInstance(Later, { a: 'x', b: 2 }), opts);
  expect(even?.constraints).toEqual({ customValidation: 'b must be odd' });

  // A subclass defined after its parent was cached inherits the parent's rules.
  class LaterStill extends Later {
    @IsInt() c!: number;
  }
  const errors = await validateCached(plainToInstance(LaterStill, { a: 1, b: 1, c: 'x' }), opts);
  expect(errors.map((e) => e.property).sort()).toEqual(['a', 'c']);
});

test('validation groups are passed through to class-validator', async () => {
  class Grouped {
    @IsInt({ groups: ['create'] }) id!: number;
    @IsString({ always: true }) name!: string;
  }
  const instance = plainToInstance(Grouped, { id: 'x', name: 1 });
  for (const groups of [['create'], ['update'], []]) {
    const opts = { groups, validationError: { target: false } };
    expect(shape(await validateCached(instance, opts))).toEqual(
      shape(await validate(instance, opts)),
    );
  }
});
