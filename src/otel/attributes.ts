import type { Attributes } from '@opentelemetry/api';
import type { EventEnvelope } from '../kernel/event-envelope';

/**
 * Attribute names: the OpenTelemetry messaging semantic conventions where
 * they have one, `koa_event_bus.*` for what is ours.
 */
export const ATTR = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  messageId: 'messaging.message.id',
  conversationId: 'messaging.message.conversation_id',
  routingKey: 'messaging.rabbitmq.destination.routing_key',
  errorType: 'error.type',
  handlerId: 'koa_event_bus.handler.id',
  attempt: 'koa_event_bus.attempt',
  causationId: 'koa_event_bus.causation_id',
  discardReason: 'koa_event_bus.discard.reason',
  deadLetterReason: 'koa_event_bus.dead_letter.reason',
  pendingState: 'koa_event_bus.pending.state',
} as const;

/** `messaging.system` of the in-memory transport (a custom value, as the conventions allow). */
export const IN_MEMORY_SYSTEM = 'koa-event-bus';

/** What identifies one event on a span: system, destination (its wire name), ids. */
export function messageAttributes(
  system: string,
  operation: 'send' | 'process',
  envelope: EventEnvelope,
): Attributes {
  const attributes: Attributes = {
    [ATTR.system]: system,
    [ATTR.operationType]: operation,
    [ATTR.operationName]: operation,
    [ATTR.destination]: envelope.name,
    [ATTR.messageId]: envelope.id,
    [ATTR.conversationId]: envelope.correlationId,
  };
  if (envelope.causationId !== null) attributes[ATTR.causationId] = envelope.causationId;
  if (system === 'rabbitmq') attributes[ATTR.routingKey] = envelope.name;
  return attributes;
}

/** `error.type`: the error's stable code when it has one (KEB_…), else its class name. */
export function errorType(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    return error.constructor?.name || error.name || 'Error';
  }
  return '_OTHER';
}
