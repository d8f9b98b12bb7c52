/**
 * What the DTO route costs per request, step by step, in one process (mitata, p50 of one call):
 * JSON.parse of the bench body, the unsafe-input walk, class-transformer's plainToInstance,
 * class-validator's validate, and validateDto (all of it, as a route runs it). 5 rounds, steps
 * interleaved inside each round; median (min–max) over rounds, ns.
 *
 *   npm --prefix bench run dto-steps [-- --rounds=5]
 *   npm --prefix bench run build && "$(bash bench/node-bin.sh 24)" bench/dist/bench/http/dto-steps.js
 */
import 'reflect-metadata';
import * as path from 'node:path';
import { measure } from 'mitata';
import { loadOurs } from '../lib/ours';
import { table } from '../lib/stats';
import { BODY_JSON, dataDto } from './apps/dto';
import { mmm } from './interleave';

async function main(): Promise<void> {
  const rounds = Number(/--rounds=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 5);
  loadOurs(); // the compiled src/ (or KEB_BENCH_SRC's), whose kernel and http modules we reach below
  const srcDir = path.dirname(require.resolve(process.env.KEB_BENCH_SRC || '../../src/index'));
  const { unsafeInputErrors } = require(path.join(srcDir, 'kernel/unsafe-input')) as {
    unsafeInputErrors(x: unknown): unknown[];
  };
  const { validateCached } = require(path.join(srcDir, 'kernel/validate-cached')) as {
    validateCached(instance: object, options: object): unknown[] | Promise<unknown[]>;
  };
  const { validateDto } = require(path.join(srcDir, 'http/validate-dto')) as {
    validateDto(dto: unknown, plain: unknown, source: string): Promise<object>;
  };
  const { plainToInstance } = require('class-transformer') as typeof import('class-transformer');
  const { validate } = require('class-validator') as typeof import('class-validator');
  const Dto = dataDto();
  const body = JSON.parse(BODY_JSON);
  const instance = plainToInstance(Dto, body);
  const options = {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  };
  if ((await validate(instance, options)).length > 0)
    throw new Error('the bench body must be valid');
  const bad = { ...body, id: 'x', extra: 1 };
  // A real app has many validated classes (every DTO, every event with rules): class-validator
  // scans all of them for ancestors of the validated class, on every call and nested object.
  const { IsString } = require('class-validator') as typeof import('class-validator');
  const manyClasses = () => {
    for (let i = 0; i < 100; i++) {
      class Other {
        @IsString() name!: string;
      }
      void Other;
    }
  };

  const steps: [string, () => unknown][] = [
    ['JSON.parse(body)', () => JSON.parse(BODY_JSON)],
    ['unsafeInputErrors(body)', () => unsafeInputErrors(body)],
    ['plainToInstance(Dto, body)', () => plainToInstance(Dto, body)],
    ['validate(instance) (class-validator, our options)', () => validate(instance, options)],
    [
      'validateCached(instance) (ours: metadata lookups cached)',
      () => validateCached(instance, options),
    ],
    ['validateDto(Dto, body): all of it', () => validateDto(Dto, body, 'body')],
    [
      'validateDto(Dto, invalid body): rejects with 2 field errors',
      () => validateDto(Dto, bad, 'body').catch(() => undefined),
    ],
  ];
  const many: [string, () => unknown][] = [
    ['… with 100 more validated classes: validate(instance)', () => validate(instance, options)],
    [
      '… with 100 more validated classes: validateCached(instance)',
      () => validateCached(instance, options),
    ],
    [
      '… with 100 more validated classes: validateDto(Dto, body)',
      () => validateDto(Dto, body, 'body'),
    ],
  ];
  const ns = new Map<string, number[]>([...steps, ...many].map(([k]) => [k, []]));
  for (const [phase, list] of [
    [0, steps],
    [1, many],
  ] as const) {
    if (phase === 1) manyClasses();
    for (let r = 0; r < rounds; r++) {
      for (const [k, fn] of list) {
        const stats = await measure(fn, { min_cpu_time: 300 * 1e6 });
        ns.get(k)!.push(stats.p50);
      }
    }
  }
  const rows = [...steps, ...many].map(([k]) => [k, mmm(ns.get(k)!, 0)]);
  process.stdout.write(
    `node ${process.version}, ${rounds} rounds\n\n${table(['step', 'ns per call, median (min–max)'], rows, ['l', 'r'])}\n`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
