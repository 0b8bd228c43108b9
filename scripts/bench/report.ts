/** The benchmark's text output: the metrics table, the target lines and CPU use. */
import type { CpuUse } from './procstat';

export interface Metric {
  key: string;
  metric: string;
  value: number | null;
  unit: string;
  /** Ratio to a limit or baseline, with what it is relative to. */
  ratio?: { value: number; to: string };
}

export interface Target {
  name: string;
  rule: string;
  measured: string;
  /** null: could not be measured. */
  holds: boolean | null;
}

function fmt(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  if (unit === 'ms') return value.toFixed(value < 10 ? 1 : 0);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value < 10 ? 2 : 1);
}

function fmtRatio(r: Metric['ratio']): string {
  if (!r || !Number.isFinite(r.value)) return '';
  const v = r.value >= 10 ? r.value.toFixed(1) : r.value.toFixed(2);
  return `${v}x ${r.to}`;
}

/** The metrics as one aligned text table. */
export function formatTable(metrics: readonly Metric[]): string {
  const rows = metrics.map((m) => [m.metric, fmt(m.value, m.unit), m.unit, fmtRatio(m.ratio)]);
  const head = ['metric', 'value', 'unit', 'ratio to limit / baseline'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One line per target: HOLDS, MISSED or NOT MEASURED, its rule and the measured value. */
export function formatTargets(targets: readonly Target[]): string {
  return targets
    .map(
      (t) =>
        `${t.holds === null ? 'NOT MEASURED' : t.holds ? 'HOLDS ' : 'MISSED'}  ${t.name}: ${t.rule} (measured ${t.measured})`,
    )
    .join('\n');
}

/** CPU use per process group, busiest first, then the whole machine: `main 0.85, ...; whole machine 1.90 of 2.0 busy`. */
export function formatCpu(cpu: CpuUse): string {
  return `${Object.entries(cpu.groups)
    .sort((a, b) => b[1].cores - a[1].cores)
    .map(([g, x]) => `${g} ${x.cores.toFixed(2)}`)
    .join(', ')}; whole machine ${cpu.machineBusyCores.toFixed(2)} of ${cpu.machineCores.toFixed(1)} busy`;
}
