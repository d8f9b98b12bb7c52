import type { PhaseResult } from './check-phase';

const fmt = (r: Record<string, number>) =>
  Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ') || '0';

/** The soak's results as a markdown table, one column per phase, then the verdict. */
export function reportTable(phases: readonly PhaseResult[], startedAt: Date): string {
  const rows: [string, (p: PhaseResult) => string | number][] = [
    ['requests sent', (p) => p.sent],
    ['by status', (p) => fmt(p.byStatus)],
    [
      'no response: controller ran / did not',
      (p) => `${p.unanswered.processed} / ${p.unanswered.notProcessed}`,
    ],
    ['sent after close began', (p) => fmt(p.afterClose)],
    ['events emitted', (p) => p.emitted],
    ['handled (event × handler)', (p) => p.handled],
    ['discarded (by reason)', (p) => fmt(p.discardedByReason)],
    ['dead-lettered', (p) => p.dead],
    ['lost at close (by state)', (p) => fmt(p.lostByState)],
    ['duplicates', (p) => p.duplicates],
    ['missing (must be 0)', (p) => p.missing],
    ['journaled after close() resolved', (p) => fmt(p.late)],
    ['close drained / server exit', (p) => `${p.drained} / ${p.serverExit}`],
    ['wall time', (p) => `${(p.wallMs / 1000).toFixed(1)} s`],
    ['req/s', (p) => Math.round(p.sent / (p.wallMs / 1000))],
  ];
  const lines = [
    `# Soak results (${startedAt.toISOString()}, Node ${process.version})`,
    '',
    `| | ${phases.map((p) => p.name).join(' | ')} |`,
    `| --- |${phases.map(() => ' ---: |').join('')}`,
    ...rows.map(
      ([label, cell]) => `| ${label} | ${phases.map((p) => String(cell(p))).join(' | ')} |`,
    ),
    '',
  ];
  const failures = phases.flatMap((p) => p.failures);
  if (failures.length === 0) lines.push('All checks passed.');
  else lines.push(`${failures.length} check(s) failed:`, '', ...failures.map((f) => `- ${f}`));
  return `${lines.join('\n')}\n`;
}
