/** Percentile of a sample (nearest-rank), in the sample's unit, rounded to 3 decimals. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[rank] ?? NaN) * 1000) / 1000;
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
