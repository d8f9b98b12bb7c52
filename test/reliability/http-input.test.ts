import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import fc from 'fast-check';
import {
  Body,
  Controller,
  createApp,
  EventBus,
  type EventEnvelope,
  HttpCode,
  Inject,
  Post,
} from 'koa-event-bus';
import supertest from 'supertest';
import { recordingLogger } from '../fixtures/recording-logger';

// Issue 8: hostile request bodies must never be a 5xx, and a request that is
// refused must emit nothing.

class AddressDto {
  @IsString() @MaxLength(200) city!: string;
}

class OrderDto {
  @IsString() @MaxLength(200_000) sku!: string;
  @IsInt() @Min(1) @Max(1000) quantity!: number;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
  @IsOptional() @IsArray() @IsString({ each: true }) tags?: string[];
}

class OrderPlaced {
  constructor(
    readonly sku: string,
    readonly quantity: number,
  ) {}
}

@Controller('/orders')
class OrdersController {
  constructor(@Inject(EventBus) private readonly bus: EventBus) {}

  @Post('/')
  @HttpCode(201)
  place(@Body(OrderDto) dto: OrderDto) {
    this.bus.emit(new OrderPlaced(dto.sku, dto.quantity));
    return { sku: dto.sku };
  }
}

const LIMIT = 100 * 1024; // the default jsonLimit

// ---- bodies --------------------------------------------------------------

const validOrder = fc.record(
  {
    sku: fc.string({ maxLength: 40 }),
    quantity: fc.integer({ min: 1, max: 1000 }),
    address: fc.record({ city: fc.string({ maxLength: 20 }) }),
    tags: fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  },
  { requiredKeys: ['sku', 'quantity'] },
);
const json = (arb: fc.Arbitrary<unknown>) => arb.map((v) => JSON.stringify(v) ?? 'null');

const dangerousKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
// A dangerous key at any depth, written as JSON text (an object literal would
// set the prototype instead of making a key).
const poisoned = fc
  .tuple(
    fc.array(fc.constantFrom('address', 'tags', 'sku', 'x', '0'), { maxLength: 6 }),
    dangerousKey,
    fc.jsonValue({ maxDepth: 2 }),
  )
  .map(([path, key, value]) => {
    let member = `"${key}":${JSON.stringify(value) ?? 'null'}`;
    for (const p of [...path].reverse()) member = `"${p}":{${member}}`;
    return `{"sku":"a","quantity":1,${member}}`;
  });

const deep = fc
  .tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('[', '{"a":'))
  .map(([n, open]) => `${open.repeat(n)}1${(open === '[' ? ']' : '}').repeat(n)}`);

// A sku whose JSON is just under, at, or just over the limit.
const huge = fc
  .tuple(fc.integer({ min: -64, max: 64 }), fc.constantFrom('a', 'é', '\\u0000', '"'))
  .map(([delta, ch]) => {
    const frame = '{"sku":"","quantity":1}'.length;
    const unit = ch === '"' ? '\\"' : ch;
    const n = Math.max(0, Math.floor((LIMIT - frame + delta) / Buffer.byteLength(unit)));
    return `{"sku":"${unit.repeat(n)}","quantity":1}`;
  });

const wrongTypes = json(
  fc.record({
    sku: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })),
    quantity: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.jsonValue({ maxDepth: 2 })),
    address: fc.jsonValue({ maxDepth: 2 }),
    tags: fc.jsonValue({ maxDepth: 2 }),
  }),
);

const unknownFields = fc
  .tuple(validOrder, fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue()))
  .map(([order, extra]) => JSON.stringify({ ...extra, ...order }));

const invalidJson = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  json(validOrder).chain((t) =>
    fc.integer({ min: 0, max: t.length }).map((cut) => t.slice(0, cut)),
  ),
  fc.constantFrom('', ' ', 'null', '"hi"', '1', 'true', '[', '{', '{"sku":}', '\u0000', '\uFEFF{}'),
);

const text = fc.oneof(
  { weight: 3, arbitrary: json(validOrder) },
  { weight: 2, arbitrary: json(fc.jsonValue()) },
  { weight: 2, arbitrary: poisoned },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: huge },
  { weight: 2, arbitrary: wrongTypes },
  { weight: 2, arbitrary: unknownFields },
  { weight: 2, arbitrary: invalidJson },
);

const body: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 5, arbitrary: text.map((t) => Buffer.from(t)) },
  { weight: 1, arbitrary: text.map((t) => Buffer.from(t, 'latin1')) },
  { weight: 1, arbitrary: text.map((t) => Buffer.from(t, 'utf16le')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)) },
);

// ---- headers ---------------------------------------------------------------

// What Node lets a client put in a header value.
const headerText = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.constant(0x09),
      fc.integer({ min: 0x80, max: 0xff }),
    ),
    { minLength: 1, maxLength: 60 },
  )
  .map((codes) => String.fromCharCode(...codes).trim())
  .filter((s) => s !== '');

const charset = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('utf-8', 'UTF-8', '"utf-8"', 'utf8', 'utf-8;') },
  { weight: 2, arbitrary: fc.constantFrom('latin1', 'utf-16', 'UTF-16LE', 'foo', 'ascii') },
  { weight: 1, arbitrary: fc.constantFrom('"', '', '"utf-8', 'utf-8 x', '"\\"', 'utf-8, x') },
  { weight: 1, arbitrary: headerText },
);

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('application/json', 'application/vnd.api+json'), charset)
      .map(([type, cs]) => `${type}; charset=${cs}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/json; charset',
      'application/json;;',
      'application/json/x',
      ';',
    ),
  },
  { weight: 1, arbitrary: headerText },
  { weight: 1, arbitrary: headerText.map((p) => `application/json; ${p}`) },
);

const encoding = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('GZIP', 'compress', 'x-foo', 'gzip, br', 'identity, gzip', 'zstd'),
  },
  { weight: 1, arbitrary: headerText },
);

const encoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  deflate: (b) => deflateSync(b),
  br: (b) => brotliCompressSync(b),
};

interface HostileRequest {
  body: Buffer;
  headers: Record<string, string>;
}

const hostileRequest: fc.Arbitrary<HostileRequest> = fc
  .record({ body, contentType, encoding, encodeIt: fc.boolean() })
  .map(({ body, contentType, encoding, encodeIt }) => {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (encoding === undefined) return { body, headers };
    headers['content-encoding'] = encoding;
    const encode = encoders[encoding.toLowerCase()];
    return { body: encode && encodeIt ? encode(body) : body, headers };
  });

const ERROR_FIELDS = ['code', 'message', 'details', 'requestId'];

describe('hostile HTTP input to a validated @Body route', () => {
  test('is never a 5xx; every 4xx has the error shape and emitted nothing', async () => {
    const logger = recordingLogger();
    const emitted: EventEnvelope[] = [];
    const app = createApp({
      controllers: [OrdersController],
      logger,
      hooks: { onEmitted: (envelope) => emitted.push(envelope) },
    });
    const http = supertest(app.callback());
    let requests = 0;

    await fc.assert(
      fc.asyncProperty(hostileRequest, async ({ body, headers }) => {
        const requestId = `hostile-${++requests}`;
        const res = await http
          .post('/orders')
          .set({ ...headers, 'x-request-id': requestId })
          .send(body);
        await app.bus.drain();
        const ofThisRequest = emitted.filter((e) => e.correlationId === requestId);
        const what = `${res.status} ${res.text.slice(0, 300)}`;

        expect({ what, serverError: res.status >= 500 }).toEqual({ what, serverError: false });
        if (res.status >= 400) {
          const error = (res.body as { error?: Record<string, unknown> }).error ?? {};
          expect(error.code).toMatch(/^KEB_[A-Z_]+$/);
          expect(typeof error.message).toBe('string');
          expect(error.requestId).toBe(requestId);
          expect(Object.keys(error).filter((k) => !ERROR_FIELDS.includes(k))).toEqual([]);
          expect(ofThisRequest).toEqual([]);
        } else {
          expect(res.status).toBe(201);
          expect(ofThisRequest.map((e) => e.event)).toEqual([expect.any(OrderPlaced)]);
        }
        expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
      }),
      {
        numRuns: 500,
        examples: [
          [{ body: Buffer.from('{"sku":"a","quantity":1}'), headers: gzipHeaders() }],
          [{ body: Buffer.from('{"sku":"a","quantity":1}'), headers: deflateHeaders() }],
          [{ body: gzipSync('{"sku":"a","quantity":1}'), headers: gzipHeaders() }],
          [{ body: Buffer.from('{}'), headers: { 'content-type': 'application/json; charset' } }],
        ],
      },
    );
    await app.close();
  }, 30_000);
});

function gzipHeaders(): Record<string, string> {
  return { 'content-type': 'application/json', 'content-encoding': 'gzip' };
}

function deflateHeaders(): Record<string, string> {
  return { 'content-type': 'application/json', 'content-encoding': 'deflate' };
}
