import type { DiscardReason, EventEnvelope } from '../index';
import type { RecordedOutcome, RecordedView } from './recorded';

/** Formats values the way Jest prints them (`utils.stringify`), without colours. */
export type Stringify = (value: unknown) => string;

const MAX_LINES = 20;

/** `UserRegistered {"email": "a@b.c", "userId": "u1"}  [discarded: http-status 400]` */
export function describeEnvelope(
  envelope: EventEnvelope,
  view: RecordedView,
  stringify: Stringify,
): string {
  const reason = view.discardReason(envelope);
  const notes = [
    ...(reason ? [`discarded: ${describeReason(reason)}`] : []),
    ...(view.isFaked(envelope) ? ['faked'] : []),
  ];
  const event = `${eventClassName(envelope)} ${stringify(envelope.event)}`;
  return notes.length ? `${event}  [${notes.join('; ')}]` : event;
}

/** `SendWelcomeEmail.send ← UserRegistered: failed after 3 attempts (Error: smtp down)` */
export function describeOutcome(outcome: RecordedOutcome): string {
  const attempts = `${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}`;
  const what =
    outcome.status === 'failed'
      ? `failed after ${attempts} (${String(outcome.error)})`
      : outcome.status === 'succeeded'
        ? `succeeded in ${attempts}`
        : 'skipped (its `when` returned false)';
  return `${outcome.handlerId} ← ${eventClassName(outcome.envelope)}: ${what}`;
}

/** A titled, numbered list: `Emitted (2):\n  1. …` or `Emitted: nothing`. */
export function numbered(title: string, lines: readonly string[], empty = 'nothing'): string {
  if (lines.length === 0) return `${title}: ${empty}`;
  const shown = lines.slice(0, MAX_LINES).map((l, i) => `  ${i + 1}. ${l}`);
  if (lines.length > MAX_LINES) shown.push(`  … and ${lines.length - MAX_LINES} more`);
  return `${title} (${lines.length}):\n${shown.join('\n')}`;
}

/** Every emitted event of the view, for the tail of a failure message. */
export function emittedSection(view: RecordedView, stringify: Stringify): string {
  return numbered(
    'Emitted',
    view.envelopes.map((e) => describeEnvelope(e, view, stringify)),
  );
}

/** Every handler outcome of the view. */
export function outcomesSection(view: RecordedView): string {
  return numbered('Handler outcomes', view.outcomes.map(describeOutcome), 'none');
}

export function eventClassName(envelope: EventEnvelope): string {
  return (envelope.event as object).constructor.name || envelope.name;
}

function describeReason(reason: DiscardReason): string {
  switch (reason.kind) {
    case 'http-status':
    case 'http-error':
      return `${reason.kind} ${reason.status}`;
    case 'handler-failed':
      return `handler ${reason.handlerId} failed`;
    case 'manual':
      return reason.message;
    default:
      return reason.kind;
  }
}
