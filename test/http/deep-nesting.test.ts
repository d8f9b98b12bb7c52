import { IsOptional, IsString } from 'class-validator';
import { Body, Controller, Post } from 'koa-event-bus';
import { controllerApp } from '../fixtures/controller-app';

class NameDto {
  @IsOptional() @IsString() name?: string;
}

const calls: unknown[] = [];

@Controller()
class DeepController {
  @Post('/dto')
  dto(@Body(NameDto) dto: NameDto) {
    calls.push(dto);
    return dto;
  }

  @Post('/raw')
  raw(@Body() body: unknown) {
    calls.push(body);
    return { ok: true };
  }
}

/** The nesting limit stated in docs/reference/errors.md (KEB_VALIDATION_FAILED). */
const MAX_INPUT_DEPTH = 64;

const nested = (depth: number) => `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('deeply nested input', () => {
  const { http } = controllerApp([DeepController]);
  afterEach(() => {
    calls.length = 0;
  });

  it.each(['/dto', '/raw'])(
    'answers 400 (not a stack overflow 500) for 40 000 levels on %s',
    async (path) => {
      const res = await http
        .post(path)
        .set('content-type', 'application/json')
        .send(nested(40_000));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('KEB_VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([
        {
          field: `x${'.0'.repeat(MAX_INPUT_DEPTH - 1)}`,
          constraints: {
            maxDepth: `nesting deeper than ${MAX_INPUT_DEPTH} levels is not accepted`,
          },
        },
      ]);
      expect(calls).toEqual([]);
    },
  );

  it('accepts nesting up to the limit on a raw body', async () => {
    const res = await http
      .post('/raw')
      .set('content-type', 'application/json')
      .send(nested(MAX_INPUT_DEPTH - 1));
    expect(res.status).toBe(200);
  });
});
