// Public surface of koa-event-bus/testing. Explicit names only; no logic here.
import 'reflect-metadata';

export { createTestBus, type TestBusOptions } from './create-test-bus';
export type { EventList } from './event-list';
export { EventQueries, type OutcomeTarget } from './event-queries';
export { EventRecording } from './event-recording';
export { HandlerHarness, handlerHarness } from './handler-harness';
export type {
  HandledEvents,
  HandlerHarnessOptions,
  HandlerRunOptions,
  MethodName,
} from './handler-harness-options';
export { HandlerRun } from './handler-run';
export { type EventBusMatchers, registerMatchers } from './jest';
export { ManualClock, type RunTimersOptions } from './manual-clock';
export { eventBusMatchers } from './matchers';
export { RECORDED, type Recorded, type RecordedOutcome, type RecordedView } from './recorded';
export type { TestRequest } from './send-request';
export { TestApp, type TestRequestInit } from './test-app';
export {
  type AppFactory,
  type FactoryTakesOptions,
  type TestAppOptions,
  type TestListenerOptions,
  testApp,
} from './test-app-factories';
export { TestBus } from './test-bus';
export { TestResponse } from './test-response';
export { TestingKitError } from './testing-kit-error';
