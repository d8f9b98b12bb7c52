import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsDefined,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Min,
  MinLength,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Body, Controller, Get, HttpCode, Post, Query } from 'koa-event-bus';
import { controllerApp } from '../fixtures/controller-app';

class AddressDto {
  @IsString() @MinLength(2) city!: string;
}

class LineDto {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity!: number;
}

class OrderDto {
  @IsEmail() email!: string;
  @IsDefined() @ValidateNested() @Type(() => AddressDto) address!: AddressDto;
  @ValidateNested({ each: true }) @ArrayMinSize(1) @Type(() => LineDto) lines!: LineDto[];
  @IsOptional() @IsString() note?: string;
}

class SearchDto {
  @IsString() @MinLength(3) q!: string;
}

const received: unknown[] = [];

@Controller('/orders')
class OrdersController {
  @Post('/')
  @HttpCode(201)
  create(@Body(OrderDto) order: OrderDto) {
    received.push(order);
    return {
      isDto: order instanceof OrderDto,
      addressIsDto: order.address instanceof AddressDto,
      lineIsDto: order.lines[0] instanceof LineDto,
      order,
    };
  }

  @Get('/search')
  search(@Query(SearchDto) query: SearchDto) {
    return { q: query.q };
  }
}

const validOrder = {
  email: 'ada@example.com',
  address: { city: 'London' },
  lines: [{ sku: 'PEN', quantity: 2 }],
};

describe('DTO validation', () => {
  const { http } = controllerApp([OrdersController]);
  beforeEach(() => {
    received.length = 0;
  });

  it('passes a valid body as a DTO instance with nested instances', async () => {
    const res = await http.post('/orders').send(validOrder);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      isDto: true,
      addressIsDto: true,
      lineIsDto: true,
      order: validOrder,
    });
  });

  it('answers 400 listing each invalid field, with nested and array paths', async () => {
    const res = await http
      .post('/orders')
      .set('x-request-id', 'req-7')
      .send({
        email: 'nope',
        address: { city: 'X' },
        lines: [
          { sku: 'A', quantity: 1 },
          { sku: 3, quantity: 0 },
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'KEB_VALIDATION_FAILED',
        message: 'Invalid request body.',
        requestId: 'req-7',
        details: [
          { field: 'email', constraints: { isEmail: 'email must be an email' } },
          {
            field: 'address.city',
            constraints: { minLength: 'city must be longer than or equal to 2 characters' },
          },
          { field: 'lines.1.sku', constraints: { isString: 'sku must be a string' } },
          { field: 'lines.1.quantity', constraints: { min: 'quantity must not be less than 1' } },
        ],
      },
    });
    expect(received).toEqual([]);
  });

  it('rejects unknown fields (top level and nested) instead of stripping them', async () => {
    const res = await http
      .post('/orders')
      .send({ ...validOrder, isAdmin: true, address: { city: 'Paris', zip: '75001' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('KEB_VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      {
        field: 'isAdmin',
        constraints: { whitelistValidation: 'property isAdmin should not exist' },
      },
      {
        field: 'address.zip',
        constraints: { whitelistValidation: 'property zip should not exist' },
      },
    ]);
    expect(received).toEqual([]);
  });

  it('reports missing required fields', async () => {
    const res = await http.post('/orders').send({});
    expect(res.status).toBe(400);
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field);
    expect(fields).toEqual(['email', 'address', 'lines']);
  });

  it('answers 400 when the body is not an object (array) where a DTO is expected', async () => {
    const res = await http.post('/orders').send([validOrder]);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'KEB_VALIDATION_FAILED',
      message: 'Invalid request body.',
      details: [{ field: '', constraints: { isObject: 'body must be an object' } }],
    });
    expect(received).toEqual([]);
  });

  it('answers 400 when a nested DTO is given a primitive', async () => {
    const res = await http.post('/orders').send({ ...validOrder, address: 'London' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      {
        field: 'address',
        constraints: {
          nestedValidation: 'nested property address must be either object or array',
        },
      },
    ]);
  });

  it('validates @Query(Dto) with source "query"', async () => {
    const ok = await http.get('/orders/search?q=pens');
    expect(ok.body).toEqual({ q: 'pens' });
    const bad = await http.get('/orders/search?q=p&extra=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({
      code: 'KEB_VALIDATION_FAILED',
      message: 'Invalid request query.',
      details: [
        { field: 'extra', constraints: { whitelistValidation: 'property extra should not exist' } },
        {
          field: 'q',
          constraints: { minLength: 'q must be longer than or equal to 3 characters' },
        },
      ],
    });
  });
});

// A DTO with an asynchronous rule (a custom constraint with `async: true`, as
// a "username is free" check is): the route waits for it. DTOs with only
// synchronous rules are validated without a promise (issue 13); both give
// the same answers.
@ValidatorConstraint({ name: 'usernameFree', async: true })
class UsernameFree implements ValidatorConstraintInterface {
  async validate(value: unknown): Promise<boolean> {
    await new Promise((r) => setImmediate(r));
    return value !== 'taken';
  }
  defaultMessage(): string {
    return 'username $value is taken';
  }
}

class SignupDto {
  @IsString() @Validate(UsernameFree) username!: string;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
}

@Controller('/signups')
class SignupController {
  @Post('/')
  @HttpCode(201)
  create(@Body(SignupDto) signup: SignupDto) {
    return { isDto: signup instanceof SignupDto, username: signup.username };
  }
}

describe('DTO validation with an asynchronous rule', () => {
  const { http } = controllerApp([SignupController]);

  it('waits for the asynchronous rule: a free name passes', async () => {
    const res = await http.post('/signups').send({ username: 'ada' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ isDto: true, username: 'ada' });
  });

  it('answers 400 with the asynchronous rule and the synchronous ones together', async () => {
    const res = await http.post('/signups').send({ username: 'taken', address: { city: 'X' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { field: 'username', constraints: { usernameFree: 'username taken is taken' } },
      {
        field: 'address.city',
        constraints: { minLength: 'city must be longer than or equal to 2 characters' },
      },
    ]);
  });
});
