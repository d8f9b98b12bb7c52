/**
 * `repr()` of the Python value that `json.loads` would make of a parsed JSON
 * value, so that the example prints what FastAPI's tutorial prints:
 * `print(f"Processing item: {item}")` shows `{'name': 'Widget', 'price': 9.99}`.
 *
 * dict → `{'k': v}`, list → `[1, 2]`, str → `'…'` (Python's quoting and
 * escapes), true/false/null → `True`/`False`/`None`, numbers as Python prints
 * an int or a float. One limit: JSON.parse forgets how a number was written,
 * so `2.0` prints as the int `2` (Python: `2.0`), and an integer beyond 2^53
 * (already rounded by JSON.parse) prints as the float it has become.
 */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return reprString(value);
  if (typeof value === 'number') return reprNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pythonRepr(v)}`);
    return `{${entries.join(', ')}}`;
  }
  return reprString(String(value));
}

// Python's str.isprintable() is false for these categories (space excepted).
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const NAMED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function reprString(s: string): string {
  // Single quotes, unless the text has a ' and no ": then double quotes.
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const named = NAMED[ch];
    if (named !== undefined) out += named;
    else if (ch === quote) out += `\\${ch}`;
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) out += escapeCodePoint(ch.codePointAt(0)!);
    else out += ch;
  }
  return out + quote;
}

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

function reprNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isSafeInteger(n)) return String(n); // a JSON integer: a Python int
  // A float: the shortest round-trip digits (as Python's repr), in Python's layout:
  // positional when the exponent is in [-4, 16), else `1.5e-05` / `1e+16`.
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return Number.isInteger(n) ? `${n}.0` : String(n); // JS is positional in this range too
}
