import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatDeadLetters } from '../../src/cli/dlq/format-dead-letters';
import { parseCliArgs } from '../../src/cli/parse-cli-args';
import { runCli } from '../../src/cli/run-cli';

// docs/reference/cli.md shows real output: each ```sh block that is one
// `$ npx koa-event-bus …` line, followed by a ```text or ```mermaid block, is
// run here (from the repository root, through runCli) and its output (stdout
// then stderr) must be that block. The graph of examples/users is one of
// them, so it cannot go stale. UPDATE_DOCS=1 rewrites the blocks instead.
const root = path.join(__dirname, '..', '..');
const docFile = path.join(root, 'docs', 'reference', 'cli.md');
const REGENERATE = 'UPDATE_DOCS=1 npx jest test/docs/cli-doc.test.ts';

interface Example {
  readonly argv: string[];
  readonly command: string;
  /** The output block: its body's start and end offsets in the doc. */
  readonly start: number;
  readonly end: number;
  readonly documented: string;
}

function examples(doc: string): Example[] {
  const found: Example[] = [];
  const re = /^```sh\n\$ (npx koa-event-bus[^\n]*)\n```\n\n```(?:text|mermaid)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(doc); m; m = re.exec(doc)) {
    const command = m[1]!;
    const argv = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((a) => a[1] ?? a[2]!).slice(2);
    const start = m.index + m[0].length - 3 - m[2]!.length;
    found.push({ argv, command, start, end: start + m[2]!.length, documented: m[2]! });
  }
  return found;
}

async function outputOf(argv: string[]): Promise<string> {
  const lines: string[] = [];
  const write = (t: string) => lines.push(t);
  await runCli(argv, { stdout: write, stderr: write }, {}, { cwd: root });
  return `${lines.join('\n')}\n`;
}

const doc = readFileSync(docFile, 'utf8');
const runnable = examples(doc).filter((e) => e.argv[0] !== 'dlq'); // dlq needs a broker with dead letters

test('the doc shows list, graph (the users example) and --help with their output', () => {
  expect(runnable.map((e) => e.argv[0])).toEqual(
    expect.arrayContaining(['list', 'graph', '--help']),
  );
  expect(doc).toContain(
    "```sh\n$ npx koa-event-bus graph 'examples/users/**/*.ts'\n```\n\n```mermaid\n",
  );
});

test('every example output is what the command prints now', async () => {
  const actual = await Promise.all(runnable.map((e) => outputOf(e.argv)));
  if (process.env.UPDATE_DOCS === '1') {
    let updated = doc;
    for (let i = runnable.length - 1; i >= 0; i--) {
      const e = runnable[i]!;
      updated = updated.slice(0, e.start) + actual[i]! + updated.slice(e.end);
    }
    writeFileSync(docFile, updated);
    return;
  }
  try {
    expect(runnable.map((e, i) => ({ command: e.command, output: actual[i] }))).toEqual(
      runnable.map((e) => ({ command: e.command, output: e.documented })),
    );
  } catch (err) {
    (err as Error).message =
      `docs/reference/cli.md is stale: regenerate its examples with ${REGENERATE}\n\n${(err as Error).message}`;
    throw err;
  }
}, 60_000);

test('every koa-event-bus command of the doc parses', () => {
  const commands = [...doc.matchAll(/^\$ npx koa-event-bus ([^\n]*)$/gm)].map((m) =>
    [...m[1]!.matchAll(/'([^']*)'|(\S+)/g)].map((a) => a[1] ?? a[2]!),
  );
  expect(commands.length).toBeGreaterThanOrEqual(6);
  for (const argv of commands.filter((a) => !a.includes('--help')))
    expect(() => parseCliArgs(argv)).not.toThrow();
});

test('the dlq list example is what formatDeadLetters prints for those dead letters', () => {
  const shown = /```text\n(\d+ dead letters? in [\s\S]*?)```/.exec(doc)?.[1];
  const listing = {
    queue: 'users.send-welcome-email.dlq',
    total: 2,
    letters: [
      {
        eventId: '3f0c1a52-8a57-4d0e-9a55-0d3c2c7e3b11',
        eventName: 'user.registered',
        handlerId: 'send-welcome-email',
        attempts: 3,
        errorCode: null,
        error: 'SMTP relay busy (sending to ada@example.com)',
        reason: 'handler-failed',
        occurredAt: '2026-12-04T18:00:00.000Z',
        deadLetteredAt: null,
      },
      {
        eventId: '9b2e7d40-1c3f-4a8e-b6d2-5f1e0a9c4d27',
        eventName: 'user.registered',
        handlerId: 'send-welcome-email',
        attempts: null,
        errorCode: null,
        error: null,
        reason: 'delivery_limit',
        occurredAt: '2026-12-04T18:02:10.000Z',
        deadLetteredAt: '2026-12-04T18:02:41.000Z',
      },
    ],
  };
  expect(shown).toBe(`${formatDeadLetters(listing)}\n`);
});
