import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { Body, Controller, Get, Post, Query } from 'koa-event-bus';
import { controllerApp } from '../fixtures/controller-app';

class ProfileDto {
  @IsOptional() @IsString() bio?: string;
}

class UserDto {
  @IsOptional() @IsString() name?: string;
  @IsOptional() @ValidateNested() @Type(() => ProfileDto) profile?: ProfileDto;
}

class FilterDto {
  @IsOptional() @IsString() name?: string;
}

const calls: unknown[] = [];

@Controller('/users')
class UsersController {
  @Post('/')
  create(@Body(UserDto) dto: UserDto) {
    // What a careless merge does with the validated input.
    calls.push(Object.assign({}, dto));
    return dto;
  }

  @Post('/raw')
  raw(@Body() body: unknown) {
    calls.push(body);
    return { ok: true };
  }

  @Get('/')
  list(@Query(FilterDto) filter: FilterDto) {
    calls.push(filter);
    return filter;
  }
}

const polluted = () => ({}) as Record<string, unknown>;

function expectNoPollution(): void {
  expect(polluted().polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
}

describe('prototype pollution', () => {
  afterEach(() => {
    expectNoPollution();
    calls.length = 0;
  });

  describe('JSON bodies', () => {
    const { http } = controllerApp([UsersController], {
      bodyParser: { enableTypes: ['json', 'form'] },
    });
    const post = (path: string, raw: string) =>
      http.post(path).set('content-type', 'application/json').send(raw);

    it.each([
      ['__proto__ at the top', '{"__proto__":{"polluted":true}}', '__proto__'],
      ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}', 'constructor'],
      ['a nested __proto__', '{"profile":{"__proto__":{"polluted":true}}}', 'profile.__proto__'],
      [
        'a nested prototype',
        '{"profile":{"bio":"x","prototype":{"polluted":true}}}',
        'profile.prototype',
      ],
      [
        'a __proto__ inside an array',
        '{"name":"a","tags":[{"__proto__":{"polluted":true}}]}',
        'tags.0.__proto__',
      ],
    ])(
      'rejects %s with 400 naming the field, for DTO and raw bodies',
      async (_label, raw, field) => {
        for (const path of ['/users', '/users/raw']) {
          const res = await post(path, raw);
          expect(res.status).toBe(400);
          expect(res.body.error.code).toBe('KEB_VALIDATION_FAILED');
          expect(res.body.error.details).toContainEqual({
            field,
            constraints: {
              whitelistValidation: `property ${field.split('.').at(-1)} should not exist`,
            },
          });
        }
        expect(calls).toEqual([]);
      },
    );

    it('rejects unicode-escaped __proto__ keys too', async () => {
      const res = await post('/users', '{"\\u005f_proto__":{"polluted":true}}');
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        {
          field: '__proto__',
          constraints: { whitelistValidation: 'property __proto__ should not exist' },
        },
      ]);
    });

    it('lets a clean body through', async () => {
      const res = await post('/users', '{"name":"ada","profile":{"bio":"hi"}}');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ name: 'ada', profile: { bio: 'hi' } });
    });

    it('form bodies: qs drops prototype keys, nothing is polluted', async () => {
      const res = await http
        .post('/users/raw')
        .type('form')
        .send('__proto__[polluted]=true&constructor[prototype][polluted]=true&name=a');
      expect(res.status).toBe(200);
      expect(calls).toEqual([{ name: 'a' }]);
      expect(Object.getPrototypeOf(calls[0])).toBe(Object.prototype);
    });
  });

  describe('query strings', () => {
    const { http } = controllerApp([UsersController]);

    it('rejects __proto__ and constructor keys in a query DTO', async () => {
      const res = await http.get('/users?__proto__=x&constructor=y&name=a');
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'KEB_VALIDATION_FAILED',
        message: 'Invalid request query.',
        details: [
          {
            field: '__proto__',
            constraints: { whitelistValidation: 'property __proto__ should not exist' },
          },
          {
            field: 'constructor',
            constraints: { whitelistValidation: 'property constructor should not exist' },
          },
        ],
      });
      expect(calls).toEqual([]);
    });
  });
});
