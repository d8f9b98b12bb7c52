export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Half the min–max range over rounds, relative to the median: a plain noise indicator. */
export function spread(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = median(xs);
  return (Math.max(...xs) - Math.min(...xs)) / 2 / m;
}

export function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

export function fmtRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return 'n/a';
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k/s`;
  return `${perSec.toFixed(0)} /s`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return 'n/a';
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}

export function fmtPct(r: number): string {
  if (!Number.isFinite(r)) return '';
  return `±${(r * 100).toFixed(0)}%`;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

export function fmtMB(mb: number | undefined): string {
  if (mb === undefined || !Number.isFinite(mb)) return 'n/a';
  return mb.toFixed(2);
}

/** A Markdown table from a header row and data rows. */
export function table(header: string[], rows: string[][], align?: Array<'l' | 'r'>): string {
  const sep = header.map((_, i) =>
    (align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : ':---',
  );
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n');
}
