import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as api from 'koa-event-bus';
import { ErrorCode } from 'koa-event-bus';
import * as rabbitmq from 'koa-event-bus/rabbitmq';
import * as testing from 'koa-event-bus/testing';

const doc = readFileSync(
  path.join(__dirname, '..', '..', 'docs', 'reference', 'errors.md'),
  'utf8',
);
const rows = doc
  .split('\n')
  .filter((line) => line.startsWith('| `KEB_'))
  .map((line) => line.split('|').map((cell) => cell.trim()));

describe('docs/reference/errors.md', () => {
  test('has exactly one row per ErrorCode value', () => {
    const documented = rows.map((r) => r[1]!.replace(/`/g, ''));
    expect([...documented].sort()).toEqual(Object.values(ErrorCode).sort());
    expect(new Set(documented).size).toBe(documented.length);
  });

  test('every error class it names is exported and carries that code', () => {
    for (const row of rows) {
      const code = row[1]!.replace(/`/g, '');
      const match = /`(\w+Error)`/.exec(row[2]!);
      if (!match) continue; // response-only codes
      const cls =
        (api as Record<string, unknown>)[match[1]!] ??
        (testing as Record<string, unknown>)[match[1]!] ??
        (rabbitmq as Record<string, unknown>)[match[1]!];
      expect({ code, exported: typeof cls }).toEqual({ code, exported: 'function' });
    }
  });

  test('each KoaEventBusError subclass instance reports the documented code', () => {
    const samples: [string, unknown][] = [
      ['KEB_DUPLICATE_HANDLER_ID', new api.DuplicateHandlerIdError('x', ['A.a', 'B.b'])],
      ['KEB_BUS_OVERFLOW', new api.BusOverflowError(1, 'E')],
      ['KEB_DISPATCH_FAILED', new api.DispatchFailedError('E', ['h'], [new Error('x')])],
      ['KEB_VALIDATION_FAILED', new api.ValidationFailedError('body', [])],
      ['KEB_HANDLER_TIMEOUT', new api.HandlerTimeoutError('h', 5)],
    ];
    for (const [code, err] of samples) {
      expect(api.isKoaEventBusError(err, code as api.ErrorCode)).toBe(true);
      expect((err as Error).name).toMatch(/Error$/);
    }
  });
});
