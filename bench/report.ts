// Benchmark output: one JSON line per metric on stdout, nothing else (issue 2's format).
export interface Metric {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  better: 'higher' | 'lower';
  [extra: string]: unknown;
}

export function emit(metric: Metric): void {
  const ratio = metric.baseline === 0 ? null : Number((metric.value / metric.baseline).toFixed(4));
  process.stdout.write(`${JSON.stringify({ ...metric, ratio })}\n`);
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
