import type { RequestKind, Sent } from './load';
import type { JournalData } from './read-journal';

/** What one phase measured, and the checks it failed (empty: passed). */
export interface PhaseResult {
  name: string;
  sent: number;
  /** HTTP status or socket error code → count. */
  byStatus: Record<string, number>;
  /** Requests without a response, by whether the server had run their controller (emitted events). */
  unanswered: { processed: number; notProcessed: number };
  /** Requests sent after the server began closing: status/error → count. */
  afterClose: Record<string, number>;
  emitted: number;
  handled: number;
  discardedByReason: Record<string, number>;
  dead: number;
  lostByState: Record<string, number>;
  duplicates: number;
  missing: number;
  drained: string;
  /** Journal lines written after the close report, by kind (`dead`, `handled`, ...). */
  late: Record<string, number>;
  serverExit: number | string;
  wallMs: number;
  failures: string[];
}

const EXPECTED: Record<RequestKind, number> = { valid: 201, invalid: 400, throw: 500 };

function count(into: Record<string, number>, key: string, n = 1): void {
  into[key] = (into[key] ?? 0) + n;
}

const outcomeOf = (s: Sent) => (s.status === undefined ? (s.error ?? 'error') : String(s.status));

/**
 * Every committed event is handled or reported by id: checks the responses
 * against the journal. `shutdown` (phase B) allows 503s and connection errors
 * around the close, and requires 503 for requests sent after it began.
 */
export function checkPhase(
  name: string,
  sent: readonly Sent[],
  j: JournalData,
  serverExit: number | string,
  wallMs: number,
  shutdown: boolean,
): PhaseResult {
  const failures: string[] = [];
  const fail = (n: number, what: string, examples: readonly string[] = []) => {
    if (n > 0)
      failures.push(
        `${name}: ${n} ${what}${examples.length ? ` (e.g. ${examples.slice(0, 3).join('; ')})` : ''}`,
      );
  };
  const byTag = new Map(sent.map((s) => [s.tag, s]));
  const byStatus: Record<string, number> = {};
  const afterClose: Record<string, number> = {};
  const wrongStatus: string[] = [];
  const servedAfterClose: string[] = [];
  for (const s of sent) {
    const outcome = outcomeOf(s);
    count(byStatus, outcome);
    const late = j.closingAt !== undefined && s.sentAt > j.closingAt;
    if (late) count(afterClose, outcome);
    if (late && s.status !== undefined && s.status < 400)
      servedAfterClose.push(`${s.tag} → ${s.status}`);
    const allowed =
      s.status === EXPECTED[s.kind] || (shutdown && (s.status === undefined || s.status === 503));
    if (!allowed) wrongStatus.push(`${s.tag} ${s.kind} → ${outcome}`);
  }
  fail(wrongStatus.length, 'unexpected statuses', wrongStatus);
  fail(servedAfterClose.length, 'requests sent after close began were served', servedAfterClose);

  // Handled lines: duplicates, unknown ids, events of failed requests.
  const handledPairs = new Set<string>();
  const duplicates: string[] = [];
  const unknown: string[] = [];
  const ofFailed: string[] = [];
  for (const h of j.handled) {
    const pair = `${h.eventId} ${h.handlerId}`;
    if (handledPairs.has(pair)) duplicates.push(pair);
    handledPairs.add(pair);
    if (!j.emitted.has(h.eventId)) unknown.push(pair);
    const status = byTag.get(h.tag)?.status;
    if (status !== undefined && status >= 400) ofFailed.push(`${pair} (${h.tag} → ${status})`);
  }
  fail(duplicates.length, 'duplicate (eventId, handlerId) handled lines', duplicates);
  fail(unknown.length, 'handled events never emitted', unknown);
  fail(ofFailed.length, 'handled events of requests answered 4xx/5xx', ofFailed);

  // Every emitted event: handled by each of its handlers, or reported by id.
  const missing: string[] = [];
  const undiscarded: string[] = [];
  const eventsOfTag = new Map<string, number>();
  for (const [id, e] of j.emitted) {
    eventsOfTag.set(e.tag, (eventsOfTag.get(e.tag) ?? 0) + 1);
    const lost = j.lost.get(id);
    for (const handlerId of j.handlersOf.get(e.name) ?? []) {
      const accounted =
        handledPairs.has(`${id} ${handlerId}`) ||
        j.discarded.has(id) ||
        (lost !== undefined &&
          (lost.handlerIds.length === 0 || lost.handlerIds.includes(handlerId))) ||
        (j.dead.get(id) ?? []).includes(handlerId);
      if (!accounted)
        missing.push(
          `${e.name} ${id} ${handlerId} (${e.tag} → ${byTag.get(e.tag) ? outcomeOf(byTag.get(e.tag)!) : '?'})`,
        );
    }
    const status = byTag.get(e.tag)?.status;
    if (status !== undefined && status >= 400 && !j.discarded.has(id))
      undiscarded.push(`${id} (${e.tag} → ${status})`);
  }
  fail(missing.length, 'event×handler pairs neither handled nor reported (missing)', missing);
  fail(undiscarded.length, 'events of failed requests without a discarded line', undiscarded);
  const short = sent
    .filter((s) => s.status === 201 && eventsOfTag.get(s.tag) !== 3)
    .map((s) => s.tag);
  fail(short.length, '201 responses without exactly 3 emitted events', short);

  const created = byStatus['201'] ?? 0;
  if (!shutdown && j.handled.length !== 3 * created)
    failures.push(`${name}: handled ${j.handled.length} ≠ 3 × ${created} (201 responses)`);
  const drained =
    j.closed?.find((f) => f.startsWith('drained='))?.slice('drained='.length) ?? 'no report';
  if (drained === 'no report') failures.push(`${name}: the server wrote no close report`);
  else if (!shutdown && drained !== 'true') failures.push(`${name}: close() did not drain`);
  const expectedExit = drained === 'true' ? 0 : 1;
  if (serverExit !== expectedExit)
    failures.push(
      `${name}: server exit ${serverExit}, expected ${expectedExit} (drained=${drained})`,
    );

  const discardedByReason: Record<string, number> = {};
  for (const reasons of j.discarded.values()) for (const r of reasons) count(discardedByReason, r);
  const lostByState: Record<string, number> = {};
  for (const l of j.lost.values()) count(lostByState, l.state);
  const noResponse = sent.filter((s) => s.status === undefined);
  const processed = noResponse.filter((s) => eventsOfTag.has(s.tag)).length;
  const late: Record<string, number> = {};
  for (const line of j.late) count(late, line.split(' ')[0] ?? '');
  return {
    name,
    sent: sent.length,
    byStatus,
    afterClose,
    unanswered: { processed, notProcessed: noResponse.length - processed },
    emitted: j.emitted.size,
    handled: j.handled.length,
    discardedByReason,
    dead: [...j.dead.values()].reduce((n, ids) => n + ids.length, 0),
    lostByState,
    duplicates: duplicates.length,
    missing: missing.length,
    drained,
    late,
    serverExit,
    wallMs,
    failures,
  };
}
