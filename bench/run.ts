export {};

/**
 * `npm run bench`: runs every benchmark module and prints one JSON object of named figures with their
 * targets. Figures are measured here, never asserted by timed tests. A module that fails is reported as
 * an error entry instead of stopping the others.
 */
type BenchModule = { name: string; load: () => Promise<() => Promise<Record<string, number>>> };

const modules: BenchModule[] = [
  { name: 'host', load: async () => (await import('./host')).benchHost },
  { name: 'payments', load: async () => (await import('./payments')).benchPayments },
  { name: 'sync', load: async () => (await import('./sync')).benchSync },
  { name: 'devices', load: async () => (await import('./devices')).benchDevices },
];

/** Targets from the issues; `max` means lower is better, `min` higher is better. */
const TARGETS: Record<string, { max?: number; min?: number }> = {
  payment_local_overhead_ms_p99: { max: 2 },
  sync_drain_per_s: { min: 5000 },
  outbox_commit_ms_p99: { max: 5 },
  scan_to_event_ms_p99: { max: 5 },
  receipt_render_ms_p99: { max: 2 },
};

const only = process.argv.slice(2);
const figures: Record<string, number> = {};
const errors: Record<string, string> = {};
for (const m of modules) {
  if (only.length && !only.includes(m.name)) continue;
  try {
    const run = await m.load();
    Object.assign(figures, await run());
  } catch (e) {
    errors[m.name] = e instanceof Error ? e.message : String(e);
  }
}
const verdicts: Record<string, string> = {};
for (const [name, value] of Object.entries(figures)) {
  const t = TARGETS[name];
  if (!t) continue;
  const ok = (t.max === undefined || value <= t.max) && (t.min === undefined || value >= t.min);
  verdicts[name] = `${ok ? 'meets' : 'MISSES'} target ${t.max !== undefined ? `<= ${t.max}` : `>= ${t.min}`}`;
}
console.log(JSON.stringify({ figures, targets: verdicts, ...(Object.keys(errors).length ? { errors } : {}) }, null, 2));
process.exit(Object.keys(errors).length ? 1 : 0);
