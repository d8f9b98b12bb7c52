import { pythonRepr } from './python-repr';

// Every expected string below is what CPython 3 prints for `repr(json.loads(...))` of the same JSON.
describe('pythonRepr', () => {
  test.each<[unknown, string]>([
    [{ name: 'Widget', price: 9.99 }, "{'name': 'Widget', 'price': 9.99}"],
    [{}, '{}'],
    [[1, 2, []], '[1, 2, []]'],
    [{ a: { b: [true, false, null] } }, "{'a': {'b': [True, False, None]}}"],
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`both ' "`, `'both \\' "'`],
    ['a\\b\n\r\t\x01\x7f\u00a0é\u200b😀', "'a\\\\b\\n\\r\\t\\x01\\x7f\\xa0é\\u200b😀'"],
    [42, '42'],
    [-7, '-7'],
    [-0.5, '-0.5'],
    [123.456, '123.456'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e300, '1e+300'],
    [2.5e-300, '2.5e-300'],
    [9007199254740994, '9007199254740994.0'],
    [JSON.parse('12345678901234567890'), '1.2345678901234567e+19'], // rounded by JSON.parse
  ])('%p → %s', (value, expected) => {
    expect(pythonRepr(value)).toBe(expected);
  });
});
