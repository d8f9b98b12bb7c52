import type * as http from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  type App,
  Controller,
  createApp,
  Event,
  EventBus,
  EventHandler,
  HttpError,
  OnEvent,
  Post,
  silentLogger,
} from 'koa-event-bus';
import { openTelemetry } from 'koa-event-bus/otel';
import request from 'supertest';
import {
  only,
  otelSdk,
  parentId,
  registerGlobals,
  spanId,
  spanTree,
  tracedServer,
} from './otel-fixture';

@Event('user.registered')
class UserRegistered {
  constructor(readonly userId: string) {}
}

@Event('welcome-email.sent')
class WelcomeEmailSent {
  constructor(readonly userId: string) {}
}

const sent: string[] = [];

@EventHandler()
class SendWelcomeEmail {
  @OnEvent(UserRegistered)
  async send(event: UserRegistered) {
    await Promise.resolve(); // an await: the span must stay active across it
    sent.push(event.userId);
    return new WelcomeEmailSent(event.userId);
  }
}

@EventHandler()
class AuditLog {
  @OnEvent(WelcomeEmailSent)
  record(_: WelcomeEmailSent) {}
}

@Controller('/users')
class UsersController {
  constructor(private readonly bus: EventBus) {}

  @Post('/')
  register() {
    this.bus.emit(new UserRegistered('u1'));
    return { id: 'u1' };
  }

  @Post('/failing')
  failing() {
    this.bus.emit(new UserRegistered('u2'));
    throw new HttpError(409, 'taken');
  }
}

let restore: () => void;
beforeAll(() => {
  restore = registerGlobals();
});
afterAll(() => restore());

async function started(parentProcessSpan = false) {
  const sdk = otelSdk();
  const app = createApp({
    controllers: [UsersController],
    handlers: [SendWelcomeEmail, AuditLog],
    logger: silentLogger,
    instrumentation: openTelemetry({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
      parentProcessSpan,
    }),
  });
  const server = tracedServer(app, sdk.tracerProvider);
  return { sdk, app, server };
}

const opened: { app: App; server: http.Server }[] = [];
afterEach(async () => {
  for (const { app, server } of opened.splice(0)) {
    server.close();
    await app.close();
  }
  sent.length = 0;
});

async function post(path: string, parentProcessSpan = false) {
  const t = await started(parentProcessSpan);
  opened.push(t);
  const res = await request(t.server).post(path).set('x-request-id', 'req-1').send({});
  await t.app.bus.drain();
  return { ...t, res, spans: t.sdk.spans() };
}

describe('one HTTP request through a handler that emits a follow-up', () => {
  it('is a send span under the request, and process spans linked to the send spans', async () => {
    const { res, spans } = await post('/users');
    expect(res.status).toBe(200);
    expect(sent).toEqual(['u1']);

    expect(spanTree(spans)).toBe(
      [
        'POST /users (SERVER)',
        '  send user.registered (PRODUCER)',
        'process user.registered (CONSUMER)  ↗ linked to send user.registered',
        '  send welcome-email.sent (PRODUCER)',
        'process welcome-email.sent (CONSUMER)  ↗ linked to send welcome-email.sent',
      ].join('\n'),
    );

    const server = only(spans, 'POST /users');
    const send = only(spans, 'send user.registered');
    const process = only(spans, 'process user.registered');
    const followSend = only(spans, 'send welcome-email.sent');
    const followProcess = only(spans, 'process welcome-email.sent');

    // send: a PRODUCER child of the request span, in its trace
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(parentId(send)).toBe(spanId(server));
    expect(send.spanContext().traceId).toBe(server.spanContext().traceId);
    const eventId = send.attributes['messaging.message.id'];
    expect(typeof eventId).toBe('string');
    expect(send.attributes).toEqual({
      'messaging.system': 'koa-event-bus',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': 'user.registered',
      'messaging.message.id': eventId,
      'messaging.message.conversation_id': 'req-1',
    });
    expect(send.status.code).toBe(SpanStatusCode.UNSET);

    // process: a CONSUMER span of its own trace, linked to the send span
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(parentId(process)).toBeUndefined();
    expect(process.spanContext().traceId).not.toBe(server.spanContext().traceId);
    expect(process.links.map((l) => l.context)).toEqual([send.spanContext()]);
    expect(process.attributes).toEqual({
      'messaging.system': 'koa-event-bus',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'user.registered',
      'messaging.message.id': eventId,
      'messaging.message.conversation_id': 'req-1',
      'koa_event_bus.handler.id': 'SendWelcomeEmail.send',
      'koa_event_bus.attempt': 1,
    });
    expect(process.status.code).toBe(SpanStatusCode.UNSET);
    expect(process.events).toEqual([]);

    // the follow-up: sent from inside the handler (after an await), caused by the event
    expect(parentId(followSend)).toBe(spanId(process));
    expect(followSend.spanContext().traceId).toBe(process.spanContext().traceId);
    const followId = followSend.attributes['messaging.message.id'];
    expect(followSend.attributes).toEqual({
      'messaging.system': 'koa-event-bus',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': 'welcome-email.sent',
      'messaging.message.id': followId,
      'messaging.message.conversation_id': 'req-1',
      'koa_event_bus.causation_id': eventId,
    });
    expect(followProcess.links.map((l) => l.context)).toEqual([followSend.spanContext()]);
    expect(followProcess.attributes).toMatchObject({
      'messaging.destination.name': 'welcome-email.sent',
      'messaging.message.id': followId,
      'messaging.message.conversation_id': 'req-1',
      'koa_event_bus.causation_id': eventId,
      'koa_event_bus.handler.id': 'AuditLog.record',
      'koa_event_bus.attempt': 1,
    });

    // The send span ends when the transport has the event; the handler runs after. The
    // follow-up is sent before its handler's span ends. (Span times of the SDK are anchored
    // to Date.now() per span, so two spans' times compare to within 1 ms only.)
    expect(hrMs(send.endTime)).toBeLessThanOrEqual(hrMs(process.startTime) + 1);
    expect(hrMs(followSend.endTime)).toBeLessThanOrEqual(hrMs(process.endTime) + 1);
  });

  it('with parentProcessSpan, the request is one trace down to the last handler', async () => {
    const { spans } = await post('/users', true);
    expect(spanTree(spans)).toBe(
      [
        'POST /users (SERVER)',
        '  send user.registered (PRODUCER)',
        '    process user.registered (CONSUMER)',
        '      send welcome-email.sent (PRODUCER)',
        '        process welcome-email.sent (CONSUMER)',
      ].join('\n'),
    );
    const traces = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traces.size).toBe(1);
    expect(only(spans, 'process user.registered').links).toEqual([]);
  });

  it('a failed request: its events are discarded, a span event with the reason', async () => {
    const { res, spans } = await post('/users/failing');
    expect(res.status).toBe(409);
    expect(sent).toEqual([]);
    expect(spanTree(spans)).toBe(
      ['POST /users/failing (SERVER)', '  discard user.registered (INTERNAL)'].join('\n'),
    );
    const discard = only(spans, 'discard user.registered');
    expect(discard.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'koa_event_bus.discard',
        {
          'koa_event_bus.discard.reason': 'http-error',
          'messaging.destination.name': 'user.registered',
          'messaging.message.id': expect.any(String),
          'http.response.status_code': 409,
          'error.type': 'KEB_HTTP_ERROR',
        },
      ],
    ]);
  });
});

function hrMs([s, ns]: [number, number]): number {
  return s * 1e3 + ns / 1e6;
}
