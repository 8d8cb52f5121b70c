// Percentiles and summaries of latency samples (nearest-rank, in ms).
export interface Summary {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/** Nearest-rank percentile of `values` (q in 0..100); NaN when there are none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function summarize(values: readonly number[]): Summary {
  return {
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(values.length === 0 ? Number.NaN : Math.max(...values)),
    samples: values.length,
  };
}
