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

/**
 * A wait queue is deleted once unused this long (`x-expires`: no consumer, no
 * redeclaration; waiting messages do not count as use). Publishers redeclare
 * a wait queue before using it when their last declaration is older than
 * {@link WAIT_QUEUE_REDECLARE_MS}, so a message always has `expires − delay
 * > redeclare interval` to spare; wait queues made for jittered delays nobody
 * uses any more go away on their own.
 */
export const waitQueueExpiresMs = (delayMs: number): number => 2 * delayMs + 60_000;
export const WAIT_QUEUE_REDECLARE_MS = 30_000;

/**
 * The delay a wait queue is made for: a jittered policy picks any delay, and
 * each distinct one is a queue, so delays are rounded to two significant
 * digits (at most 5 % off; ≤ 90 queues per decade of delays).
 *
 * @example
 * ```ts
 * waitBucket(1234); // 1200
 * waitBucket(87.4); // 87
 * ```
 */
export function waitBucket(delayMs: number): number {
  const ms = Math.max(0, Math.round(delayMs));
  if (ms < 100) return ms;
  const step = 10 ** (Math.floor(Math.log10(ms)) - 1);
  return Math.round(ms / step) * step;
}

/** The arguments of a retry wait queue: its messages expire back into the handler's queue. */
export function waitQueueArguments(app: string, handlerId: string, delayMs: number) {
  return {
    'x-queue-type': 'quorum',
    'x-message-ttl': delayMs,
    'x-expires': waitQueueExpiresMs(delayMs),
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
    for (let n = 2; n <= b.maxAttempts; n++) delays.add(waitBucket(b.delayBeforeAttempt(n)));
  return delays;
}
