import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsString, ValidateNested } from 'class-validator';
import fc from 'fast-check';
import type { EventEnvelope } from '../../src/kernel/event-envelope';
import { EventCodec } from '../../src/transport/codec/event-codec';

class Anything {
  [field: string]: unknown;
}
class Address {
  @IsString() city!: string;
}
class UserRegistered {
  @IsEmail() email!: string;
  @IsInt() age!: number;
  @ValidateNested() @Type(() => Address) address!: Address;
}
class Scheduled {
  @Type(() => Date) at!: Date;
  plain!: Date;
}
class NoRules {
  constructor(readonly count: number) {}
}

const types = [
  { eventClass: UserRegistered, name: 'user.registered', version: 2 },
  { eventClass: UserRegistered, name: 'user.registered', version: 2 }, // a second handler
  { eventClass: Anything, name: 'user.registered', version: 3 },
  { eventClass: Scheduled, name: 'scheduled', version: 1 },
  { eventClass: NoRules, name: 'no-rules', version: 1 },
];
const codec = new EventCodec(types, { maxBodyBytes: 10_000 });

function envelope(event: object, over: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    ...{
      id: 'e-1',
      name: 'no-rules',
      version: 1,
      occurredAt: new Date('2026-01-02T03:04:05.678Z'),
    },
    ...{ correlationId: 'c-1', causationId: 'p-1', attempt: 2, depth: 3, event },
    ...over,
  };
}
const user = { email: 'a@b.co', age: 30, address: { city: 'Oslo' } };
const registered = { name: 'user.registered', version: 2 };
const message = (body: unknown, over: Record<string, unknown> = {}, headers = {}) => {
  const { properties } = codec.encode(envelope({}, registered));
  return {
    body: typeof body === 'string' ? Buffer.from(body) : (body as Buffer),
    properties: { ...properties, ...over, headers: { ...properties.headers, ...headers } },
  };
};
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

test('encode: the body is the JSON of the event, identity and lineage are AMQP properties', () => {
  const { body, properties } = codec.encode(envelope(new NoRules(7)));
  expect(JSON.parse(body.toString('utf8'))).toEqual({ count: 7 });
  expect(properties).toEqual({
    messageId: 'e-1',
    correlationId: 'c-1',
    type: 'no-rules',
    timestamp: 1767323045,
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    headers: {
      'x-event-version': 1,
      'x-occurred-at': '2026-01-02T03:04:05.678Z',
      'x-causation-id': 'p-1',
      'x-attempt': 2,
      'x-depth': 3,
    },
  });
});

test('a root event has no x-causation-id and decodes with causationId null', async () => {
  const encoded = codec.encode(envelope(new NoRules(1), { causationId: null, depth: 0 }));
  expect(Object.keys(encoded.properties.headers)).not.toContain('x-causation-id');
  expect(await codec.decode(encoded)).toMatchObject({ causationId: null, depth: 0 });
});

const safeKey = fc
  .string({ minLength: 1, maxLength: 8 })
  .filter((k) => !['__proto__', 'prototype'].includes(k) && !(k in Object.prototype));
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    finite,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(safeKey, tie('value'), { maxKeys: 4 }),
  ),
}));

test('encode → decode keeps arbitrary fields, the ids and the lineage (property)', async () => {
  const lineage = fc.record({
    id: fc.uuid(),
    correlationId: fc.string({ minLength: 1 }),
    causationId: fc.option(fc.uuid(), { nil: null }),
    attempt: fc.integer({ min: 1, max: 1000 }),
    depth: fc.nat(1000),
    occurredAt: fc.date({ min: new Date(0), max: new Date('9999-12-31'), noInvalidDate: true }),
    name: fc.string({ minLength: 1 }),
    version: fc.integer({ min: 1, max: 1e6 }),
  });
  const fields = fc.dictionary(safeKey, value, { maxKeys: 6 });
  await fc.assert(
    fc.asyncProperty(lineage, fields, async (sent, data) => {
      const event = Object.assign(new Anything(), data);
      const local = new EventCodec([
        { eventClass: Anything, name: sent.name, version: sent.version },
      ]);
      const got = await local.decode(local.encode({ ...sent, event }));
      expect(got.event).toBeInstanceOf(Anything);
      expect({ ...got, event: { ...got.event } }).toEqual({
        ...sent,
        eventClass: Anything,
        event: data,
      });
    }),
    { numRuns: 200 },
  );
});

test('a Date field comes back a Date with @Type(() => Date), an ISO string without it', async () => {
  const at = new Date('2030-05-06T07:08:09.010Z');
  const sent = Object.assign(new Scheduled(), { at, plain: at });
  const got = await codec.decode(codec.encode(envelope(sent, { name: 'scheduled' })));
  expect(got.event).toEqual(Object.assign(new Scheduled(), { at, plain: at.toISOString() }));
  expect((got.event as Scheduled).at).toBeInstanceOf(Date);
});

test('validation: decorated fields are strict, unknown extra fields are kept', async () => {
  const sent = { ...user, nickname: 'al' }; // from a producer one deploy ahead
  const got = await codec.decode(message(JSON.stringify(sent)));
  expect(got.event).toBeInstanceOf(UserRegistered);
  expect((got.event as UserRegistered).address).toBeInstanceOf(Address);
  expect({ ...got.event }).toEqual({
    ...sent,
    address: Object.assign(new Address(), { city: 'Oslo' }),
  });

  const bad = { email: 'nope', age: '30', address: { city: 1 } };
  const err = await failure(codec.decode(message(JSON.stringify(bad))));
  expect(err).toMatchObject({
    name: 'EventDecodeError',
    code: 'KEB_EVENT_DECODE_FAILED',
    reason: 'invalid',
    eventName: 'user.registered',
    eventVersion: 2,
    messageId: 'e-1',
    fieldErrors: [
      { field: 'email', constraints: { isEmail: 'email must be an email' } },
      { field: 'age', constraints: { isInt: 'age must be an integer number' } },
      { field: 'address.city', constraints: { isString: 'city must be a string' } },
    ],
  });
  expect((err as Error).message).toContain('address.city: city must be a string');
  expect((err as Error).message).not.toContain('nope'); // values stay out of logs
  const missing = await failure(codec.decode(message('{"age":1,"address":{"city":"Oslo"}}')));
  expect(missing).toMatchObject({ reason: 'invalid', fieldErrors: [{ field: 'email' }] });
});

test('a class without class-validator rules is built but not validated', async () => {
  const got = await codec.decode(
    message('{"count":"not a number"}', { type: 'no-rules' }, { 'x-event-version': 1 }),
  );
  expect(got.event).toEqual(Object.assign(new NoRules(0), { count: 'not a number' }));
});

test('an unknown name or version is told apart; the versions known are listed', async () => {
  expect(await failure(codec.decode(message('{}', { type: 'order.placed' })))).toMatchObject({
    reason: 'unknown-event',
    eventName: 'order.placed',
    hint: expect.stringContaining('deploy the consumer with the event class'),
  });
  const err = await failure(codec.decode(message('{}', {}, { 'x-event-version': 9 })));
  expect(err).toMatchObject({
    reason: 'unknown-version',
    eventName: 'user.registered',
    eventVersion: 9,
  });
  expect((err as Error).message).toContain('knows version(s) 2, 3 only');
});

const good = JSON.stringify(user);
const deep = `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`;
test.each([
  ['body not JSON', message('{"email":')],
  ['body not UTF-8', message(Buffer.from([0x7b, 0xff, 0x7d]))],
  ['body an array', message('[1]')],
  ['body null', message('null')],
  ['body not a Buffer', message(undefined)],
  ['body too large', message(JSON.stringify({ ...user, pad: 'x'.repeat(10_000) }))],
  ['body nested deeper than 64', message(deep)],
  ['no messageId', message(good, { messageId: undefined })],
  ['no type', message(good, { type: '' })],
  ['no version', message(good, {}, { 'x-event-version': undefined })],
  ['version 0', message(good, {}, { 'x-event-version': 0 })],
  ['version "2.5"', message(good, {}, { 'x-event-version': '2.5' })],
  ['occurred-at not a date', message(good, {}, { 'x-occurred-at': 'yesterday' })],
  ['attempt 0', message(good, {}, { 'x-attempt': 0 })],
  ['depth -1', message(good, {}, { 'x-depth': -1 })],
  ['causation id not a string', message(good, {}, { 'x-causation-id': 42 })],
])('malformed: %s', async (_, received) => {
  const err = await failure(codec.decode(received));
  expect(err).toMatchObject({ code: 'KEB_EVENT_DECODE_FAILED', reason: 'malformed' });
  expect((err as { hint: string }).hint).toContain('replay the dead letter');
});

test('integer headers may arrive as strings (a dead letter replayed by hand)', async () => {
  const strings = { 'x-event-version': '2', 'x-attempt': '4', 'x-depth': '0' };
  const got = await codec.decode(message(good, { correlationId: undefined }, strings));
  expect(got).toMatchObject({ version: 2, attempt: 4, depth: 0, correlationId: 'e-1' });
});

test('__proto__, constructor and prototype keys are rejected and pollute nothing', async () => {
  const hostile =
    '{"__proto__":{"polluted":1},"a":{"constructor":{"prototype":{"polluted":1}}},"b":[{"prototype":1}]}';
  for (const received of [
    message(hostile),
    message(hostile, { type: 'no-rules' }, { 'x-event-version': 1 }),
  ]) {
    const err = await failure(codec.decode(received));
    expect(err).toMatchObject({
      reason: 'malformed',
      fieldErrors: [
        {
          field: '__proto__',
          constraints: { whitelistValidation: 'property __proto__ should not exist' },
        },
        {
          field: 'a.constructor',
          constraints: { whitelistValidation: 'property constructor should not exist' },
        },
        {
          field: 'b.0.prototype',
          constraints: { whitelistValidation: 'property prototype should not exist' },
        },
      ],
    });
  }
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  expect(Object.getOwnPropertyNames(UserRegistered.prototype)).toEqual(['constructor']);
});

test('nesting of exactly 64 levels is accepted', async () => {
  const ok = `${'{"a":'.repeat(63)}1${'}'.repeat(63)}`;
  const got = await codec.decode(message(ok, { type: 'no-rules' }, { 'x-event-version': 1 }));
  expect(JSON.stringify(got.event)).toBe(ok);
});

const circular = Object.assign(new Anything(), { n: 1 });
circular.self = circular;
const throwing = Object.defineProperty(new Anything(), 'boom', {
  enumerable: true,
  get: () => {
    throw new Error('getter exploded');
  },
});
test.each([
  ['a circular reference', circular, /could not be serialized \(RangeError/],
  [
    'a BigInt',
    Object.assign(new Anything(), { big: 10n }),
    /could not be serialized \(TypeError.*BigInt/,
  ],
  ['a throwing getter', throwing, /could not be serialized \(Error: getter exploded\)/],
  [
    'a body over maxBodyBytes',
    Object.assign(new Anything(), { pad: 'x'.repeat(10_000) }),
    /more than 10000/,
  ],
  [
    'a prototype key',
    Object.assign(new Anything(), { prototype: 1 }),
    /property prototype should not exist \(prototype\)/,
  ],
  ['65 levels of nesting', JSON.parse(deep) as object, /nesting deeper than 64 levels/],
])('encode fails with KEB_EVENT_ENCODE_FAILED on %s, naming the event and id', (_, event, why) => {
  let thrown: unknown;
  try {
    codec.encode(envelope(event, { name: 'bad.event', id: 'e-9' }));
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toMatchObject({
    name: 'EventEncodeError',
    code: 'KEB_EVENT_ENCODE_FAILED',
    eventName: 'bad.event',
    eventId: 'e-9',
    message: expect.stringMatching(/^Cannot encode event bad\.event \(id e-9\): /),
  });
  expect((thrown as Error).message).toMatch(why);
});

test('an event class whose constructor cannot run without arguments is invalid, with the cause', async () => {
  class Strict {
    readonly domain: string;
    constructor(readonly email: string) {
      this.domain = email.split('@')[1]!;
    }
  }
  const local = new EventCodec([{ eventClass: Strict, name: 'strict', version: 1 }]);
  const err = await failure(
    local.decode(local.encode(envelope(new Strict('a@b.co'), { name: 'strict' }))),
  );
  expect(err).toMatchObject({ reason: 'invalid', cause: expect.any(TypeError) });
});

test('construction: one class bound twice is fine; two classes with one name and version throw', () => {
  class Other {}
  expect(
    () => new EventCodec([...types, { eventClass: Other, name: 'user.registered', version: 4 }]),
  ).not.toThrow();
  expect(
    () => new EventCodec([...types, { eventClass: Other, name: 'user.registered', version: 2 }]),
  ).toThrow(
    expect.objectContaining({
      code: 'KEB_DUPLICATE_EVENT_NAME',
      message: expect.stringContaining(
        'Event classes UserRegistered and Other both have wire name "user.registered" version 2.',
      ),
    }),
  );
});
