import type { DeadLetter } from './dead-letter';
import type { DeadLetterListing } from './list-dead-letters';

/**
 * The listing for a terminal: a count line, then one block per dead letter.
 *
 * @example
 * ```ts
 * formatDeadLetters(listing);
 * // 2 dead letters in shop.mailer.dlq
 * //
 * // 1. user.registered  id 1b9d…  attempts 3  reason handler-failed
 * //    KEB_NON_RETRIABLE: the address bounced
 * //    occurred 2026-12-04T18:00:00.000Z
 * ```
 */
export function formatDeadLetters(listing: DeadLetterListing): string {
  const { queue, total, letters } = listing;
  const head =
    letters.length === total
      ? `${total} dead letter${total === 1 ? '' : 's'} in ${queue}`
      : `${total} dead letters in ${queue}; the first ${letters.length}:`;
  return [head, ...letters.map((l, i) => `\n${i + 1}. ${formatOne(l)}`)].join('\n');
}

function formatOne(l: DeadLetter): string {
  const lines = [
    `${l.eventName ?? '(no type)'}  id ${l.eventId ?? '(no message id)'}  attempts ${l.attempts ?? '?'}  reason ${l.reason}`,
  ];
  if (l.error !== null || l.errorCode !== null)
    lines.push([l.errorCode, l.error].filter((s) => s !== null).join(': '));
  const when = [
    l.occurredAt && `occurred ${l.occurredAt}`,
    l.deadLetteredAt && `dead-lettered ${l.deadLetteredAt}`,
  ].filter(Boolean);
  if (when.length > 0) lines.push(when.join('  '));
  return lines.join('\n   ');
}
