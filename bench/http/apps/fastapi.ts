import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

let python: string | undefined;
let why: string | undefined;

/**
 * The python of the FastAPI venv (`bench/http/fastapi-venv.sh` makes it once in .cache/); throws
 * with the script's reason when it cannot be made (no python3, no pip access to the packages).
 */
export function fastapiPython(): string {
  if (python) return python;
  if (why) throw new Error(why);
  // Compiled to bench/dist/bench/http/apps/; the script stays in bench/http/.
  const script = path.join(__dirname, '..', '..', '..', '..', 'http', 'fastapi-venv.sh');
  try {
    python = execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
    return python;
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop();
    why = `FastAPI not installable here: ${stderr || (e as Error).message}`;
    throw new Error(why);
  }
}

export function fastapiUnavailable(): string | undefined {
  try {
    fastapiPython();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
