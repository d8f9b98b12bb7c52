// Public surface of koa-event-bus. Explicit names only; no logic here.
import 'reflect-metadata';

export { type App, type AppCloseReport, type AppOptions, createApp } from './app';
export type { EventBusOptions } from './bus/bus-options';
export type { CloseReport, EventDescription, LostEvent, LostState } from './bus/close-report';
export { createEventBus } from './bus/create-event-bus';
export type { EmitOptions } from './bus/emit-options';
export { EventBus } from './bus/event-bus';
export type { EventScope, ScopeLineage } from './bus/event-scope';
export { ConstructorResolver } from './container/constructor-resolver';
export { Inject, Injectable } from './container/inject';
export type { ExternalResolver, Provider, Resolver } from './container/provider';
export type { Token } from './container/token';
export { type DiscoverOptions, discoverHandlers } from './handlers/discover-handlers';
export { Event, type EventOptions } from './handlers/event.decorator';
export type { EventContext } from './handlers/event-context';
export { EventHandler, type EventHandlerOptions } from './handlers/event-handler.decorator';
export type { OnEventOptions, RetryPolicy } from './handlers/handler-options';
export { type EventHandlerMethod, OnEvent } from './handlers/on-event.decorator';
export { type BodyParserOptions, type BodyType, bodyParser } from './http/body-parser';
export { Controller } from './http/controller.decorator';
export { type HttpErrorsOptions, httpErrors } from './http/error-middleware';
export { type ErrorResponse, type ErrorResponseBody, toErrorResponse } from './http/error-response';
export {
  defaultCommitWhen,
  type EventScopeOptions,
  eventScope,
  type RequestOutcome,
} from './http/event-scope.middleware';
export { HttpCode } from './http/http-code.decorator';
export { type MountControllersOptions, mountControllers } from './http/mount-controllers';
export { Body, Ctx, Header, Param, Query } from './http/param.decorators';
export { Delete, Get, Patch, Post, Put } from './http/route.decorators';
export { validateDto } from './http/validate-dto';
export type { Class } from './kernel/class';
export type { Clock } from './kernel/clock';
export type { DispatchReport, HandlerOutcome } from './kernel/dispatch-report';
export {
  BusClosedError,
  BusOverflowError,
  CausationDepthExceededError,
  CircularDependencyError,
  DiscoveryFailedError,
  DispatchFailedError,
  DrainTimeoutError,
  DuplicateEventNameError,
  DuplicateHandlerIdError,
  ErrorCode,
  EventDecodeError,
  EventEncodeError,
  type FieldError,
  FollowUpBudgetExceededError,
  HandlerThrewNonErrorError,
  HandlerTimeoutError,
  HttpError,
  InvalidEventError,
  InvalidHandlerOptionsError,
  InvalidOptionsError,
  InvalidRouteDefinitionError,
  isKoaEventBusError,
  isNonRetriable,
  KoaEventBusError,
  MalformedBodyError,
  MissingEventHandlerDecoratorError,
  NonRetriableError,
  NotAHandlerClassError,
  PayloadTooLargeError,
  PublishFailedError,
  ReflectMetadataMissingError,
  UnhandledEventError,
  UnresolvableDependencyError,
  UnsupportedMediaTypeError,
  ValidationFailedError,
  WaitForTimeoutError,
} from './kernel/errors';
export type { EventEnvelope } from './kernel/event-envelope';
export type {
  BusHooks,
  DeadLetter,
  DiscardInfo,
  DiscardReason,
  HandlerErrorInfo,
  RetryDecision,
} from './kernel/hooks';
export type {
  AttemptEnd,
  AttemptTelemetry,
  BusInstrumentation,
  Instrumentation,
  InstrumentedBus,
  InstrumentedEnvelope,
  PublishTelemetry,
} from './kernel/instrumentation';
export { consoleLogger, type Logger, silentLogger } from './kernel/logger';
export type { PendingWork } from './kernel/pending-work';
export { InMemoryTransport } from './transport/in-memory-transport';
export type {
  AttemptOutcome,
  HandlerBinding,
  ReceivedEnvelope,
  Transport,
  TransportHost,
} from './transport/transport';
export { startWorker, type Worker, type WorkerOptions } from './worker';
