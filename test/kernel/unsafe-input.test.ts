import fc from 'fast-check';
import type { FieldError } from '../../src/kernel/errors';
import { MAX_INPUT_DEPTH, unsafeInputErrors } from '../../src/kernel/unsafe-input';

// The walk builds paths only for errors (issue 13: it runs on every request
// with a DTO). Its answers must stay those of the straightforward walk below,
// the one it replaced: same fields, same constraints, same (document) order.
function reference(input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: input, path: '', depth: 0 },
  ];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      const message = `nesting deeper than ${MAX_INPUT_DEPTH} levels is not accepted`;
      errors.push({ field: path, constraints: { maxDepth: message } });
      continue;
    }
    const children: typeof stack = [];
    for (const key of Object.keys(value)) {
      const field = path === '' ? key : `${path}.${key}`;
      if (['__proto__', 'constructor', 'prototype'].includes(key)) {
        errors.push({
          field,
          constraints: { whitelistValidation: `property ${key} should not exist` },
        });
      } else {
        children.push({
          value: (value as Record<string, unknown>)[key],
          path: field,
          depth: depth + 1,
        });
      }
    }
    stack.push(...children.reverse());
  }
  return errors;
}

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'a', 'b', '0', ''),
  fc.string({ maxLength: 4 }),
);
// JSON.parse makes `__proto__` an own key, as a request body would have it.
const json = fc
  .letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
    ),
  }))
  .value.map((v) => JSON.parse(JSON.stringify(v)) as unknown);

test('the same errors as the reference walk, in the same order, on random hostile JSON', () => {
  fc.assert(
    fc.property(json, (input) => {
      expect(unsafeInputErrors(input)).toEqual(reference(input));
    }),
    { numRuns: 2_000 },
  );
});

test('forbidden keys at any depth and nesting past the limit, with dotted paths', () => {
  const input = JSON.parse(
    '{"a":{"b":[{"__proto__":1},{"ok":true,"constructor":{}}]},"prototype":2}',
  ) as unknown;
  // A node's own keys are reported before its children's.
  expect(unsafeInputErrors(input).map((e) => e.field)).toEqual([
    'prototype',
    'a.b.0.__proto__',
    'a.b.1.constructor',
  ]);
  let deep: unknown = 1;
  for (let i = 0; i < MAX_INPUT_DEPTH + 5; i++) deep = { x: deep };
  const [error, ...rest] = unsafeInputErrors({ top: deep });
  expect(rest).toEqual([]);
  expect(error!.field.split('.')).toHaveLength(MAX_INPUT_DEPTH);
  expect(error!.constraints).toEqual({
    maxDepth: `nesting deeper than ${MAX_INPUT_DEPTH} levels is not accepted`,
  });
  expect(unsafeInputErrors('text')).toEqual([]);
  expect(unsafeInputErrors(null)).toEqual([]);
});
