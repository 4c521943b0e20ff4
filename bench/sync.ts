import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHost, type Host } from '../electron/host';
import { silentLogger } from '../electron/log';
import { uuidv7 } from '../electron/ids';
import { startHq } from '../electron/hq/server';
import { enqueueRecord } from '../electron/sync/outbox';
import { type CommittedRecord } from '../electron/services/records';
import { MAX_BATCH_ENTRIES } from '../shared/sync/protocol';
import { benchHqIngest } from './sync-hq';
import { nowMs, percentile } from './stats';

/**
 * Terminal → HQ sync figures (issue #4):
 * - outbox_commit_ms_p50/p99: one cash sale's completing call (`sale.tenderCash`: tender, sale status,
 *   audit and its outbox entry in one synchronous=FULL transaction, through the dispatcher), on a data
 *   folder on the real disk (os.tmpdir()), sync off so no upload competes with it.
 * - sync_drain_per_s: 100,000 queued sales moved by the real worker (`sync.now` on a real host) to the
 *   reference HQ over loopback HTTP, until the outbox is empty. The queue is filled through the real
 *   `enqueueRecord` in big transactions with copies of a real sale's record (10^5 sales through the cashier
 *   path would take minutes of fsyncs and measure something else).
 * - hq_ingest_per_s: HQ alone (bench/sync-hq.ts).
 */
const PIN = '123456';
const SECRET = 'bench-terminal-secret-01';

type Bench = { host: Host; dataDir: string; must<T>(method: string, params?: unknown): Promise<T> };

async function startBenchHost(): Promise<Bench> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-sync-'));
  const host = createHost({ dataDir, logger: silentLogger, initialManagerPin: PIN });
  const client = host.connect();
  const must = async <T>(method: string, params: unknown = {}): Promise<T> => {
    const r = await host.call(method, params, client);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  await must('session.login', { userId: 'manager', pin: PIN });
  return { host, dataDir, must };
}

async function cashSale(b: Bench, totalFen: number): Promise<{ saleId: string; ms: number }> {
  const sale = await b.must<{ id: string }>('sale.open');
  await b.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: totalFen });
  const t0 = nowMs();
  await b.must('sale.tenderCash', { saleId: sale.id, givenFen: totalFen + 500 });
  return { saleId: sale.id, ms: nowMs() - t0 };
}

/** One bare durable commit (WAL, synchronous=FULL): what one fsync costs on this disk right now. */
function commitProbe(b: Bench): () => number {
  const { db } = b.host.ctx;
  db.exec('CREATE TABLE IF NOT EXISTS bench_probe (n INTEGER) STRICT');
  const insert = db.prepare('INSERT INTO bench_probe (n) VALUES (1)');
  const commit = db.transaction(() => insert.run());
  return () => {
    const t0 = nowMs();
    commit();
    return nowMs() - t0;
  };
}

/**
 * Durable commit of a completing cash sale with its outbox entry, interleaved with bare commits so both
 * see the same disk (other processes' I/O moves the p99 of both). Receipts are off: printing is the
 * devices service's own commit, started by the sale's paid event (measured by the devices bench).
 */
async function outboxCommit(b: Bench, runs: number): Promise<{ p50: number; p99: number; floorP99: number }> {
  await b.must('settings.update', { devices: { ...b.host.ctx.settings().devices, autoPrint: false } });
  const probe = commitProbe(b);
  const samples: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < runs + 50; i++) {
    const { ms } = await cashSale(b, 100 + (i % 400) * 10);
    const bare = probe();
    if (i < 50) continue; // the first ones warm up the JIT and the statement cache
    samples.push(ms);
    floor.push(bare);
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), floorP99: percentile(floor, 99) };
}

/** Queues `count` copies of a real sale's record (new id and receipt number each), 10,000 per transaction. */
async function fillOutbox(b: Bench, count: number): Promise<void> {
  const { db, records, settings } = b.host.ctx;
  let template: CommittedRecord | undefined;
  const remove = records.addSink((_db, r) => void (template = r));
  await cashSale(b, 1850);
  remove();
  if (template === undefined) throw new Error('no sale record captured');
  const base = template;
  const at = new Date().toISOString();
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const totalFen = 100 + (i % 9_900);
      const payload = { ...base.payload, receiptNo: `T01-BENCH-${i}`, totalFen, subtotalFen: totalFen, lines: [{ name: '矿泉水', quantity: 1, unitPriceFen: totalFen, discountFen: 0, amountFen: totalFen }], tenders: [{ kind: 'cash', amountFen: totalFen }] };
      const done = enqueueRecord(db, { ...base, id: uuidv7(), payload }, settings(), at);
      if (done?.state !== 'pending') throw new Error(`bench record ${i} not queued: ${JSON.stringify(done)}`);
    }
  });
  for (let from = 0; from < count; from += 10_000) chunk(from, Math.min(count, from + 10_000));
}

type Status = { queued: number; sending: number; parked: number; conflicts: number; lastError: string | null };

/** Entries per second from a terminal with `count` queued sales to the reference HQ (loopback HTTP). */
export async function benchSyncDrain(count: number): Promise<number> {
  const b = await startBenchHost();
  const hqDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-hq-'));
  const hq = await startHq({ dbPath: path.join(hqDir, 'hq.sqlite'), terminals: { T01: SECRET } });
  try {
    await fillOutbox(b, count);
    const queued = (await b.must<Status>('sync.status')).queued;
    if (queued !== count + 1) throw new Error(`bench: ${queued} queued, expected ${count + 1}`);
    const t0 = nowMs();
    await b.must('sync.configure', { hqUrl: hq.url, secret: SECRET, batchSize: MAX_BATCH_ENTRIES });
    // sync.now joins the pass configure started; it returns once that pass found nothing left to send.
    const s = await b.must<Status>('sync.now');
    const seconds = (nowMs() - t0) / 1000;
    if (s.queued !== 0 || s.parked !== 0 || s.conflicts !== 0) throw new Error(`bench: drain incomplete: ${JSON.stringify(s)}`);
    return Math.round(queued / seconds);
  } finally {
    await b.host.close();
    await hq.close();
    fs.rmSync(b.dataDir, { recursive: true, force: true });
    fs.rmSync(hqDir, { recursive: true, force: true });
  }
}

export async function benchOutboxCommit(runs: number): Promise<{ p50: number; p99: number; floorP99: number }> {
  const b = await startBenchHost();
  try {
    return await outboxCommit(b, runs);
  } finally {
    await b.host.close();
    fs.rmSync(b.dataDir, { recursive: true, force: true });
  }
}

export async function benchSync(): Promise<Record<string, number>> {
  const commit = await benchOutboxCommit(500);
  const drain = await benchSyncDrain(100_000);
  return {
    sync_drain_per_s: drain,
    outbox_commit_ms_p50: commit.p50,
    outbox_commit_ms_p99: commit.p99,
    // Context for the p99: a bare durable commit measured alongside (the disk's own tail right now).
    outbox_commit_floor_ms_p99: commit.floorP99,
    hq_ingest_per_s: Math.round(await benchHqIngest(20_000, MAX_BATCH_ENTRIES)),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? '100000');
  benchSyncDrain(count).then(
    (perSecond) => console.log(JSON.stringify({ sync_drain_per_s: perSecond, entries: count })),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
