import type { SubscriptionMap } from '../handlers/subscription-map';
import { classOf } from '../kernel/envelope';
import { BusClosedError } from '../kernel/errors';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { LostEvent, LostState } from './close-report';
import type { EventPipeline } from './event-pipeline';

/**
 * close() gave up waiting: names every event that will not be handled and
 * where it was, and reports it (onDiscard with reason `closed`, dead letters
 * for cancelled retries); running handlers' signals abort.
 */
export function stopPipeline(
  pipeline: EventPipeline,
  subscriptions: SubscriptionMap,
): { discarded: EventEnvelope[]; lost: LostEvent[] } {
  pipeline.stopping = true;
  const lost: LostEvent[] = [];
  const note = (envelope: EventEnvelope, state: LostState, handlerIds: readonly string[]) =>
    lost.push({
      eventId: envelope.id,
      event: envelope.name,
      correlationId: envelope.correlationId,
      state,
      handlerIds,
    });
  const buffered: EventEnvelope[] = [];
  for (const scope of [...pipeline.openScopes]) {
    for (const e of scope.discard({ kind: 'closed', state: 'buffered' })) {
      buffered.push(e);
      note(e, 'buffered', handlerIdsOf(subscriptions, e));
    }
  }
  const queued = pipeline.takeQueued(); // includes 'always' events forwarded just above
  if (queued.length > 0) pipeline.discard(queued, { kind: 'closed', state: 'queued' });
  for (const e of queued) note(e, 'queued', handlerIdsOf(subscriptions, e));
  for (const { envelope, handlerId } of pipeline.timers.cancelAll())
    note(envelope, 'retrying', [handlerId]);
  const running = new Map<EventEnvelope, string[]>();
  for (const ctx of pipeline.running.list()) {
    const ids = running.get(ctx.causedBy) ?? [];
    ids.push(ctx.handlerId);
    running.set(ctx.causedBy, ids);
    ctx.abort(new BusClosedError(`(handler ${ctx.handlerId} still running)`));
  }
  for (const [envelope, ids] of running) note(envelope, 'running', ids);
  if (running.size > 0) pipeline.discard([...running.keys()], { kind: 'closed', state: 'running' });
  return { discarded: [...buffered, ...queued], lost };
}

function handlerIdsOf(subscriptions: SubscriptionMap, envelope: EventEnvelope): string[] {
  try {
    const route = subscriptions.route(classOf(envelope));
    return route.groups.flatMap((g) => g.map((s) => s.id));
  } catch {
    return [];
  }
}
