import { createHash } from 'node:crypto';

/**
 * Ids for the follow-ups of one handler attempt on a delivered event: the n-th
 * follow-up gets a name-based UUID (v5 layout, SHA-1) of the delivered event's
 * id, the handler id and n. At-least-once delivery may run a handler twice
 * (a redelivery after a crash or a lost ack); its follow-ups then carry the
 * same ids the first run gave them, so downstream handlers can de-duplicate by
 * event id.
 */
export function stableFollowUpIds(parentId: string, handlerId: string): () => string {
  let n = 0;
  return () => {
    const h = createHash('sha1').update(`${parentId}\n${handlerId}\n${++n}`).digest();
    h[6] = (h[6]! & 0x0f) | 0x50; // version 5
    h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
    const x = h.toString('hex', 0, 16);
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
  };
}
