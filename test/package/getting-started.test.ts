import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// docs/guide/getting-started.md, followed literally, on the package as npm
// would publish it: build and `npm pack` the library, then walk the guide in
// an empty temporary folder. The steps come from the guide's fenced blocks, in
// document order, so the guide cannot drift from what works:
//
// - a block whose first line is `// <path>` (any language) is a file: written,
//   whole, to <path> relative to the project folder;
// - a ```sh block is run with bash -e; its last working directory (the guide
//   starts with `mkdir hello-events && cd hello-events`) is where the next
//   blocks run. On an `npm install` line, the word `koa-event-bus` becomes the
//   packed tarball's path; the rest is a real registry install (npm's audit,
//   fund and prefer-offline settings are set through the environment);
// - a ```sh server block is one command (`PORT=… npm start`): spawned with a
//   free port in place of its PORT; the app process (its pid is in the
//   "listening" line) gets SIGTERM, and the command must then exit 0;
// - a ```sh client block holds `curl` lines: each is sent with fetch (method,
//   URL with the server's port, body) while the server runs.
const root = path.join(__dirname, '..', '..');
const guide = readFileSync(path.join(root, 'docs', 'guide', 'getting-started.md'), 'utf8');
const STEP_MS = 180_000;

interface Block {
  info: string;
  body: string;
}

const blocks: Block[] = [...guide.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  info: m[1]!.trim(),
  body: m[2]!,
}));
const fileOf = (b: Block) => /^\/\/ ([\w./-]+)\n/.exec(b.body)?.[1];
const serverBlock = blocks.find((b) => b.info === 'sh server');
const clientBlock = blocks.find((b) => b.info === 'sh client');

let work: string;
let project: string;
let tarball: string;
const ran: string[] = [];

// The children get a clean environment: no npm_* or Jest variables of the run
// that started this test.
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(npm_|JEST_|NODE_OPTIONS$|NODE_ENV$|INIT_CWD$)/i.test(k),
    ),
  );
  return {
    ...clean,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

function run(file: string, args: string[], cwd: string): string {
  try {
    return execFileSync(file, args, {
      cwd,
      env: env(),
      stdio: 'pipe',
      timeout: STEP_MS,
    }).toString();
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

// The package as npm publishes it: the build config's output next to the
// sources it maps to, packed by `npm pack` (which applies package.json "files").
function pack(): string {
  const stage = path.join(work, 'stage');
  mkdirSync(stage);
  for (const f of ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'src']) {
    cpSync(path.join(root, f), path.join(stage, f), { recursive: true });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  run(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    stage,
  );
  const out = run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], stage);
  return path.join(work, out.trim().split('\n').pop()!);
}

function withTarball(script: string): string {
  return script
    .split('\n')
    .map((line) => {
      if (!/\bnpm (install|i)\b/.test(line)) return line;
      const replaced = line.replace(/(?<=\s)koa-event-bus(?=\s|$)/, tarball);
      if (replaced !== line) ran.push('library installed from the tarball');
      return replaced;
    })
    .join('\n');
}

function runShell(body: string, cwd: string): string {
  const pwdFile = path.join(work, 'pwd');
  run('bash', ['-e', '-c', `${withTarball(body)}\npwd > "${pwdFile}"`], cwd);
  return readFileSync(pwdFile, 'utf8').trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'keb-getting-started-'));
  tarball = pack();
  let cwd = path.join(work, 'app');
  mkdirSync(cwd);
  // Every block before the server block: files and setup commands, in order.
  for (const b of blocks.slice(0, serverBlock ? blocks.indexOf(serverBlock) : blocks.length)) {
    const file = fileOf(b);
    if (file) {
      mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
      writeFileSync(path.join(cwd, file), b.body);
      ran.push(`wrote ${file}`);
    } else if (b.info === 'sh') {
      cwd = runShell(b.body, cwd);
      ran.push(`ran ${b.body.split('\n').filter(Boolean).length} commands`);
    }
  }
  project = cwd;
}, 240_000);

afterAll(() => {
  if (work && !process.env.KEB_KEEP_GETTING_STARTED) rmSync(work, { recursive: true, force: true });
});

test('the guide has its steps: install, config, sources, a test, a server and a client', () => {
  expect(ran).toContain('library installed from the tarball');
  expect(ran.filter((r) => r === 'library installed from the tarball')).toHaveLength(1);
  expect(ran).toEqual(
    expect.arrayContaining([
      'wrote tsconfig.json',
      'wrote jest.config.js',
      'wrote src/main.ts',
      'wrote src/users.test.ts',
    ]),
  );
  expect(serverBlock?.body).toMatch(/^PORT=\d+ npm start\n$/);
  // The README shows the same install line.
  const installLine = guide.split('\n').find((l) => l.startsWith('npm install koa-event-bus '));
  expect(installLine).toBeDefined();
  expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(`\n${installLine}\n`);
  expect(clientBlock?.body).toMatch(/curl/);
  // The install line pins TypeScript 5.9 and the installed versions match the guide.
  const installed = JSON.parse(
    readFileSync(path.join(project, 'node_modules', 'typescript', 'package.json'), 'utf8'),
  ) as { version: string };
  expect(installed.version).toMatch(/^5\.9\./);
  expect(existsSync(path.join(project, 'node_modules', 'koa-event-bus', 'dist', 'index.js'))).toBe(
    true,
  );
});

test(
  "the guide's steps ran: `npm run typecheck` and `npm test` passed in the project",
  () => {
    // The sh block after the files ran both (bash -e: a failure fails beforeAll);
    // run the tests again to check they were really found and passed.
    const out = run('npx', ['jest', '--ci', '--json', '--outputFile', 'jest.json'], project);
    expect(out).toBe('');
    const report = JSON.parse(readFileSync(path.join(project, 'jest.json'), 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
    };
    expect(report.numFailedTests).toBe(0);
    expect(report.numPendingTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThanOrEqual(3);
  },
  STEP_MS,
);

test(
  'the server starts on PORT, answers the curl lines, and exits cleanly on SIGTERM',
  async () => {
    const port = await freePort();
    const m = /^((?:\w+=\S+\s+)*)(.+)$/.exec(serverBlock!.body.trim())!;
    const vars = Object.fromEntries(
      m[1]!
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((a) => a.split('=') as [string, string]),
    );
    const [command, ...args] = m[2]!.split(/\s+/);
    const child: ChildProcess = spawn(command!, args, {
      cwd: project,
      env: env({ ...vars, PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, killed whole if anything goes wrong
    });
    let output = '';
    child.stdout!.on('data', (d) => {
      output += d;
    });
    child.stderr!.on('data', (d) => {
      output += d;
    });
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        exitCode = code;
        resolve(code);
      }),
    );
    try {
      const listening = new RegExp(`listening on http://localhost:${port} \\(pid (\\d+)\\)`);
      await waitFor(
        () => listening.test(output) || exitCode !== undefined,
        60_000,
        () => output,
      );
      const appPid = Number(listening.exec(output)?.[1]);
      expect(appPid).toBeGreaterThan(0);

      const responses: { status: number; body: unknown }[] = [];
      for (const line of clientBlock!.body.split('\n').filter((l) => l.startsWith('curl'))) {
        const url = /https?:\/\/\S+/.exec(line)![0].replace(/:\d+\//, `:${port}/`);
        const method = /-X (\w+)/.exec(line)?.[1] ?? 'GET';
        const data = /-d '([^']*)'/.exec(line)?.[1];
        const res = await fetch(url, {
          method,
          body: data,
          headers: data ? { 'content-type': 'application/json' } : {},
        });
        responses.push({ status: res.status, body: await res.json() });
      }
      const [post, get] = responses;
      expect(post).toEqual({
        status: 201,
        body: { id: expect.any(String), email: 'ada@example.com' },
      });
      expect(get).toEqual({ status: 200, body: [post!.body as object] });
      // The handler ran after the response, as the guide says.
      await waitFor(
        () => output.includes('mail to ada@example.com: Welcome!'),
        10_000,
        () => output,
      );

      process.kill(appPid, 'SIGTERM');
      await waitFor(
        () => exitCode !== undefined,
        30_000,
        () => output,
      );
      expect({ exitCode, output }).toEqual({ exitCode: 0, output: expect.any(String) });
    } finally {
      if (exitCode === undefined) process.kill(-child.pid!, 'SIGKILL');
    }
    await exited;
  },
  STEP_MS,
);

test('stack traces and source maps of the installed package name files it ships', () => {
  const pkg = path.join(project, 'node_modules', 'koa-event-bus');
  const maps = listFiles(path.join(pkg, 'dist')).filter((f) => f.endsWith('.map'));
  expect(maps.length).toBeGreaterThan(50);
  const missing = maps.flatMap((mapFile) => {
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as {
      sourceRoot?: string;
      sources: string[];
    };
    return map.sources
      .map((s) => path.resolve(path.dirname(mapFile), map.sourceRoot ?? '', s))
      .filter((s) => !existsSync(s));
  });
  expect(missing).toEqual([]);

  // An error thrown inside the library, with source maps on: the frames name
  // .ts files of the package, and they exist.
  const script = `
    require('reflect-metadata');
    const { createApp } = require('koa-event-bus');
    try { createApp({ controllers: [class NotAController {}] }); } catch (e) { console.log(e.stack); }`;
  const stack = run(process.execPath, ['--enable-source-maps', '-e', script], project);
  const frames = [...stack.matchAll(/\(?(\/[^\s()]+\.ts):\d+:\d+\)?/g)].map((f) => f[1]!);
  expect(frames.length).toBeGreaterThan(0);
  for (const frame of frames) {
    expect(frame.startsWith(path.join(pkg, 'src') + path.sep)).toBe(true);
    expect(existsSync(frame)).toBe(true);
  }
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

async function waitFor(check: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
