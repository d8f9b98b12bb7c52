import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

// The package as a user installs it: build dist/ with the build config, lay it
// out as node_modules/koa-event-bus, and import it by name from JavaScript
// and TypeScript (node10 and node16 resolution).
const root = path.join(__dirname, '..', '..');
const sandbox = path.join(root, 'node_modules', '.keb-package-test');
const pkg = path.join(sandbox, 'node_modules', 'koa-event-bus');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

beforeAll(() => {
  rmSync(sandbox, { recursive: true, force: true });
  mkdirSync(pkg, { recursive: true });
  execFileSync(process.execPath, [
    tsc,
    '-p',
    path.join(root, 'tsconfig.build.json'),
    '--outDir',
    path.join(pkg, 'dist'),
  ]);
  cpSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
}, 120_000);

afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

test('require() finds every entry point by name', () => {
  const script = `
    const core = require('koa-event-bus');
    const testing = require('koa-event-bus/testing');
    const setup = require.resolve('koa-event-bus/testing/jest-setup');
    const otel = require('koa-event-bus/otel');
    console.log(JSON.stringify({
      createApp: typeof core.createApp, createEventBus: typeof core.createEventBus, OnEvent: typeof core.OnEvent,
      handlerHarness: typeof testing.handlerHarness, setup: setup.endsWith('dist/testing/jest-setup.js'),
      openTelemetry: typeof otel.openTelemetry,
    }));`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: sandbox }).toString();
  expect(JSON.parse(out)).toEqual({
    createApp: 'function',
    createEventBus: 'function',
    OnEvent: 'function',
    handlerHarness: 'function',
    setup: true,
    openTelemetry: 'function',
  });
});

// The runtime surface of 'koa-event-bus', named one by one (STYLE.md item 14):
// what users call, construct, decorate with, check with instanceof or pass as a
// DI token. Everything else is exported as a type, or not at all; adding a value
// here is a decision, not an accident of `export`.
const RUNTIME_EXPORTS = [
  // app and bus
  'createApp',
  'startWorker',
  'createEventBus',
  'EventBus',
  'InMemoryTransport',
  'consoleLogger',
  'silentLogger',
  // handlers and events
  'Event',
  'EventHandler',
  'OnEvent',
  'discoverHandlers',
  // container
  'ConstructorResolver',
  'Inject',
  'Injectable',
  // http
  'Controller',
  'Get',
  'Post',
  'Put',
  'Patch',
  'Delete',
  'Body',
  'Query',
  'Param',
  'Header',
  'Ctx',
  'HttpCode',
  'mountControllers',
  'httpErrors',
  'eventScope',
  'defaultCommitWhen',
  'bodyParser',
  'validateDto',
  'toErrorResponse',
  // errors
  'ErrorCode',
  'EventDecodeError',
  'EventEncodeError',
  'isKoaEventBusError',
  'isNonRetriable',
  'KoaEventBusError',
  'HttpError',
  'BusClosedError',
  'BusOverflowError',
  'CausationDepthExceededError',
  'CircularDependencyError',
  'DiscoveryFailedError',
  'DispatchFailedError',
  'DrainTimeoutError',
  'DuplicateEventNameError',
  'DuplicateHandlerIdError',
  'FollowUpBudgetExceededError',
  'HandlerThrewNonErrorError',
  'HandlerTimeoutError',
  'InvalidEventError',
  'InvalidHandlerOptionsError',
  'InvalidOptionsError',
  'InvalidRouteDefinitionError',
  'MalformedBodyError',
  'MissingEventHandlerDecoratorError',
  'NonRetriableError',
  'NotAHandlerClassError',
  'PayloadTooLargeError',
  'PublishFailedError',
  'ReflectMetadataMissingError',
  'UnhandledEventError',
  'UnresolvableDependencyError',
  'UnsupportedMediaTypeError',
  'ValidationFailedError',
  'WaitForTimeoutError',
];

test('the runtime exports of koa-event-bus are exactly the named ones', () => {
  const script = `console.log(JSON.stringify(Object.keys(require('koa-event-bus'))))`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: sandbox }).toString();
  expect((JSON.parse(out) as string[]).sort()).toEqual([...RUNTIME_EXPORTS].sort());
});

test.each(['node10', 'node16'])(
  'TypeScript finds the types with moduleResolution %s',
  (resolution) => {
    const consumer = path.join(sandbox, `consumer-${resolution}.ts`);
    writeFileSync(
      consumer,
      `import 'reflect-metadata';
import { createEventBus, type DispatchReport, EventHandler, type EventScope, OnEvent } from 'koa-event-bus';
import { createTestBus } from 'koa-event-bus/testing';
import { openTelemetry } from 'koa-event-bus/otel';
export class Happened { constructor(readonly id: string) {} }
@EventHandler()
export class Handler { @OnEvent(Happened) on(e: Happened): string { return e.id; } }
export const bus = createEventBus({ handlers: [Handler] });
export const testBus = createTestBus();
export const ids: string[] = testBus.emitted(Happened).map((e) => e.id);
export async function report(): Promise<DispatchReport> { return bus.dispatch(new Happened('h')); }
export const scope: EventScope = bus.openScope();
export const traced = createEventBus({ handlers: [Handler], instrumentation: openTelemetry() });
`,
    );
    const module = resolution === 'node16' ? 'node16' : 'commonjs';
    const args = [
      tsc,
      '--noEmit',
      '--strict',
      '--experimentalDecorators',
      '--emitDecoratorMetadata',
      '--skipLibCheck',
      '--target',
      'ES2022',
      '--module',
      module,
      '--moduleResolution',
      resolution,
      '--types',
      'node',
      '--typeRoots',
      path.join(root, 'node_modules', '@types'),
      consumer,
    ];
    try {
      execFileSync(process.execPath, args, { cwd: sandbox, stdio: 'pipe' });
    } catch (err) {
      throw new Error(String((err as { stdout?: Buffer }).stdout ?? err));
    }
  },
  60_000,
);
