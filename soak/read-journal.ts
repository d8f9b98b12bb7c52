import { readFileSync } from 'node:fs';

/** The server journal, parsed (see server.ts for the line formats). */
export interface JournalData {
  /** Event name → the ids of its handlers (from `bus.describe()` at startup). */
  handlersOf: Map<string, string[]>;
  /** Event id → name and request tag. */
  emitted: Map<string, { name: string; tag: string }>;
  handled: { eventId: string; handlerId: string; tag: string }[];
  /** Event id → discard reasons (`http-error:500`, `closed:queued`, ...). */
  discarded: Map<string, string[]>;
  /** Event id → dead-lettered handler ids. */
  dead: Map<string, string[]>;
  /** Event id → state and the handlers that did not complete (`[]`: unknown, all of them). */
  lost: Map<string, { state: string; handlerIds: string[] }>;
  /** When the server began closing (epoch ms), from its SIGTERM listener. */
  closingAt: number | undefined;
  /** The `closed` line's fields (`drained=true`, ...), once the close report was written. */
  closed: string[] | undefined;
  /** Lines written after the close report (hooks that fired after `close()` resolved). */
  late: string[];
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function readJournal(path: string): JournalData {
  const j: JournalData = {
    handlersOf: new Map(),
    emitted: new Map(),
    handled: [],
    discarded: new Map(),
    dead: new Map(),
    lost: new Map(),
    closingAt: undefined,
    closed: undefined,
    late: [],
  };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return j; // not written yet
  }
  for (const line of text.split('\n')) {
    if (j.closed && line) j.late.push(line);
    const [kind, a = '', b = '', c = ''] = line.split(' ');
    if (kind === 'handler') push(j.handlersOf, a, b);
    else if (kind === 'emitted') j.emitted.set(a, { name: b, tag: c });
    else if (kind === 'handled') j.handled.push({ eventId: a, handlerId: b, tag: c });
    else if (kind === 'discarded') push(j.discarded, a, b);
    else if (kind === 'dead') push(j.dead, a, b);
    else if (kind === 'lost')
      j.lost.set(a, { state: b, handlerIds: c === '-' ? [] : c.split(',') });
    else if (kind === 'closing') j.closingAt = Number(a);
    else if (kind === 'closed') j.closed = line.split(' ').slice(1);
  }
  return j;
}
