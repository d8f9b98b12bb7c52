import type { Channel } from 'amqplib';
import type { HandlerBinding } from '../transport';

/**
 * The names one app's handler uses on the broker.
 *
 * @example
 * ```ts
 * queueNames('shop', 'mailer').wait(500); // 'shop.mailer.wait.500'
 * ```
 */
export function queueNames(app: string, handlerId: string) {
  const queue = `${app}.${handlerId}`;
  return { queue, dlq: `${queue}.dlq`, wait: (ms: number) => `${queue}.wait.${ms}` };
}

/** The app's topic exchange: every event is published there, routed by its wire name. */
export const exchangeName = (app: string): string => `${app}.events`;

// Quorum queues dead-letter at least once only with reject-publish overflow
// (otherwise the broker silently falls back to at-most-once).
const atLeastOnce = { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' };

/** The arguments of a handler's queue: quorum, a crash-loop guard, its DLQ. */
export function handlerQueueArguments(app: string, handlerId: string, deliveryLimit: number) {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': deliveryLimit,
    ...atLeastOnce,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queueNames(app, handlerId).dlq,
  };
}

/** The arguments of a retry wait queue: its messages expire back into the handler's queue. */
export function waitQueueArguments(app: string, handlerId: string, delayMs: number) {
  return {
    'x-queue-type': 'quorum',
    'x-message-ttl': delayMs,
    ...atLeastOnce,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queueNames(app, handlerId).queue,
  };
}

/**
 * Declares, idempotently, the exchange and every handler's queue, DLQ,
 * bindings (one per event the handler handles) and retry wait queues.
 *
 * @example
 * ```ts
 * await declareTopology(channel, 'shop', host.bindings, 20);
 * ```
 */
export async function declareTopology(
  channel: Channel,
  app: string,
  bindings: readonly HandlerBinding[],
  deliveryLimit: number,
): Promise<string[]> {
  const declared: string[] = [];
  const exchange = exchangeName(app);
  await channel.assertExchange(exchange, 'topic', { durable: true });
  for (const [handlerId, own] of groupByHandler(bindings)) {
    const names = queueNames(app, handlerId);
    await channel.assertQueue(names.dlq, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
    const args = handlerQueueArguments(app, handlerId, deliveryLimit);
    await channel.assertQueue(names.queue, { durable: true, arguments: args });
    declared.push(names.dlq, names.queue);
    for (const name of new Set(own.map((b) => b.eventName)))
      await channel.bindQueue(names.queue, exchange, name);
    for (const ms of retryDelays(own))
      declared.push(await declareWaitQueue(channel, app, handlerId, ms));
  }
  return declared;
}

/** Declares one wait queue (also at retry time, for a delay a jittered policy made up). */
export async function declareWaitQueue(
  channel: Channel,
  app: string,
  handlerId: string,
  delayMs: number,
): Promise<string> {
  const name = queueNames(app, handlerId).wait(delayMs);
  await channel.assertQueue(name, {
    durable: true,
    arguments: waitQueueArguments(app, handlerId, delayMs),
  });
  return name;
}

function groupByHandler(bindings: readonly HandlerBinding[]): Map<string, HandlerBinding[]> {
  const byHandler = new Map<string, HandlerBinding[]>();
  for (const b of bindings) byHandler.set(b.handlerId, [...(byHandler.get(b.handlerId) ?? []), b]);
  return byHandler;
}

function retryDelays(bindings: readonly HandlerBinding[]): Set<number> {
  const delays = new Set<number>();
  for (const b of bindings)
    for (let n = 2; n <= b.maxAttempts; n++) delays.add(Math.round(b.delayBeforeAttempt(n)));
  return delays;
}
