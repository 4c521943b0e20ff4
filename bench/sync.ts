import { benchHqIngest } from './sync-hq';

/** Placeholder until the terminal outbox lands: HQ ingestion only (see bench/sync-hq.ts). */
export async function benchSync(): Promise<Record<string, number>> {
  return { hq_ingest_per_s: Math.round(await benchHqIngest(20_000, 500)) };
}
