import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MAX_BATCH_ENTRIES, type OutboxEntry } from '../shared/sync/protocol';
import { cashTender, codeTender, sampleSale } from '../shared/sync/sample-entries';
import { uploadBatch } from '../electron/sync/client/upload';
import { startHq } from '../electron/hq/server';

/**
 * HQ ingestion throughput: entries per second that the reference HQ stores (durably, synchronous=FULL)
 * from signed batches uploaded over loopback HTTP, one batch in flight at a time like one terminal's
 * sync worker. Includes client-side signing and JSON, HQ validation, dedup checks and the commit.
 */
const SECRET = 'bench-terminal-secret';

function makeEntries(count: number): OutboxEntry[] {
  const channels = ['wechat', 'alipay', 'unionpay'];
  return Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    const amount = 100 + (seq % 9_900);
    const tenders = seq % 4 === 0 ? [cashTender(amount)] : [codeTender(channels[seq % 3] ?? 'wechat', amount)];
    return sampleSale({ terminalId: 'B01', storeId: 'S001', seq, tenders });
  });
}

export async function benchHqIngest(count: number, batchSize: number = MAX_BATCH_ENTRIES): Promise<number> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`benchHqIngest: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_ENTRIES) throw new RangeError(`benchHqIngest: batchSize must be 1..${MAX_BATCH_ENTRIES}`);
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-hq-'));
  const hq = await startHq({ dbPath: join(dir, 'hq.sqlite'), terminals: { B01: SECRET } });
  try {
    const entries = makeEntries(count);
    const config = { baseUrl: hq.url, terminalId: 'B01', secret: SECRET, timeoutMs: 30_000 };
    let stored = 0;
    const started = performance.now();
    for (let from = 0; from < entries.length; from += batchSize) {
      const result = await uploadBatch(config, entries.slice(from, from + batchSize));
      if (result.kind !== 'acked') throw new Error(`bench upload failed: ${result.kind} ${result.reason}`);
      stored += result.results.filter((r) => r.status === 'stored').length;
    }
    const seconds = (performance.now() - started) / 1000;
    if (stored !== count) throw new Error(`bench: HQ stored ${stored} of ${count} entries`);
    return Math.round(count / seconds);
  } finally {
    await hq.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? '100000');
  const batchSize = Number(process.argv[3] ?? String(MAX_BATCH_ENTRIES));
  benchHqIngest(count, batchSize).then(
    (perSecond) => console.log(JSON.stringify({ hq_ingest_per_s: perSecond, entries: count, batch_size: batchSize })),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
