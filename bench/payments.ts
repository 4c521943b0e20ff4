import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../electron/sandbox/server';
import { percentile } from './stats';
import { type Gateway, startPaymentSession } from './payment-session';

const MEMORY_FS = new Set([0x01021994, 0x858458f6]); // tmpfs, ramfs
const isMemoryFs = (dir: string): boolean => MEMORY_FS.has(Number(fs.statfsSync(dir).type));

/**
 * Where the bench database lives: on a real disk, since fsync is the point (on tmpfs it costs nothing).
 * POS_BENCH_DIR, else the OS temp dir, else the working directory: the first that is not tmpfs/ramfs.
 */
function diskDir(): string {
  const candidates = [process.env.POS_BENCH_DIR, os.tmpdir(), process.cwd()].filter((d): d is string => !!d);
  const base = candidates.find((d) => !isMemoryFs(d)) ?? os.tmpdir();
  return fs.mkdtempSync(path.join(base, 'pos-bench-pay-'));
}

/** A folder on a memory file system (Linux /dev/shm), for the "without the disk" figure; null if none. */
function memoryDir(): string | null {
  const base = ['/dev/shm', os.tmpdir()].find((d) => fs.existsSync(d) && isMemoryFs(d));
  return base ? fs.mkdtempSync(path.join(base, 'pos-bench-mem-')) : null;
}

/**
 * Local overhead of one code payment: from `payment.start` until the host has committed the success and
 * told the UI (the `succeeded` progress event and the sale's change event have been emitted), minus the
 * time inside the transport's `send` (the HTTP round trip to the in-process sandbox, zero added latency;
 * the sandbox's own work happens inside it). What remains is the host's own work: dispatch and
 * validation, classify and route, the write-ahead commit, sign, parse, verify, and the success commit
 * with tender, sale, outbox record and audit entry.
 *
 * Every gateway is measured (WeChat HMAC-SHA256, Alipay RSA2, UnionPay, and the Jeepay aggregator).
 * Receipts are not printed in the main runs (auto-print off): the receipt is the devices service's work,
 * not the payment's. With auto-print (the default) the paid sale's receipt job is built (the sale read
 * back, the receipt model checked) and written inside the sale's completing transaction (same commit, no
 * extra fsync), and the print queue's own commits follow asynchronously, some landing inside the next
 * payment's window. That is measured separately, with the default settings, as
 * `payment_local_overhead_with_receipt_ms_*`. The printer there is the virtual one (training mode): it
 * writes two files per receipt into the data folder, and on ext4 (ordered journal) the next fsync on that
 * file system carries their creation too. A serial printer writes no files. Waiting for each receipt to
 * come out before the next sale was tried: it puts that file flush inside the next payment (p50 ~3.6 ms
 * instead of ~2.3), so the loop does not wait.
 *
 * The disk floor is sampled between payments (same disk, same moment): `sqlite_commit_ms_*` is one bare
 * durable commit. A code payment waits for one: the result (tender, sale, outbox record, receipt job) before
 * the cashier is told. Its write-ahead record (the attempt, before the request) is written without waiting
 * for the disk: its order number derives from the sale, durable since `sale.open` (order-numbers.ts,
 * power-loss.ts). `sqlite_two_commits_ms_*` (two in a row) is what the payment would wait for otherwise.
 *
 * WAL checkpoints: the host checkpoints once the database has been quiet for IDLE_CHECKPOINT_MS
 * (electron/db/open.ts), which a till is between customers; SQLite's automatic checkpoint (inside
 * whichever commit crosses 1000 pages) is only the fallback when it never is. This loop has no pause
 * between sales, so it runs that quiet-time checkpoint itself between sales, outside the measured window,
 * and reports its cost (`sqlite_checkpoint_ms_*`). `payment_local_overhead_saturated_ms_*` is the same
 * WeChat payment with no quiet time at all: the automatic checkpoints then land inside some payments.
 *
 * `payment_local_overhead_without_disk_ms_*`: the same WeChat payments on a database in memory (tmpfs):
 * what the host's own work costs, apart from waiting for the disk.
 */
export async function benchPayments(): Promise<Record<string, number>> {
  const dataDir = diskDir();
  const sandbox = await startSandbox();
  const session = await startPaymentSession(dataDir, sandbox, { probe: true });
  const { pay, settings, commits, commitPairs, checkpoints } = session;

  // Steady state, as a till is after its first few sales: JIT tiers up, page cache and WAL at their working size.
  const WARMUP = 200;
  const samples: Record<Gateway, number[]> = { wechat: [], alipay: [], unionpay: [], jeepay: [] };
  // Direct gateways, interleaved: WeChat (the headline, the common case) twice as often as the others.
  await settings({ autoPrint: false, wechatVia: 'direct' });
  const MIX: Gateway[] = ['wechat', 'alipay', 'wechat', 'unionpay'];
  for (let i = 0; i < WARMUP; i++) await pay(MIX[i % MIX.length] as Gateway); // JIT, sandbox, caches
  for (let i = 0; i < 1200; i++) {
    const g = MIX[i % MIX.length] as Gateway;
    samples[g].push(await pay(g));
  }
  // The aggregator (WeChat codes routed through Jeepay).
  await settings({ autoPrint: false, wechatVia: 'aggregator' });
  for (let i = 0; i < WARMUP; i++) await pay('jeepay');
  for (let i = 0; i < 300; i++) samples.jeepay.push(await pay('jeepay'));
  // Default settings: the paid sale's receipt is queued and printed (virtual printer) as well.
  await settings({ autoPrint: true, wechatVia: 'direct' });
  const withReceipt: number[] = [];
  for (let i = 0; i < WARMUP; i++) await pay('wechat');
  for (let i = 0; i < 300; i++) withReceipt.push(await pay('wechat'));
  // A till that is never quiet: SQLite's automatic checkpoints fall inside payments.
  await settings({ autoPrint: false, wechatVia: 'direct' });
  const saturated: number[] = [];
  for (let i = 0; i < 400; i++) saturated.push(await pay('wechat', false));

  await session.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  // The same WeChat payments with the database in memory (tmpfs): the host's own work without the disk.
  const memory = memoryDir();
  const withoutDisk: number[] = [];
  if (memory) {
    const m = await startPaymentSession(memory, sandbox, { probe: false, firstCode: 1_000_000 });
    await m.settings({ autoPrint: false, wechatVia: 'direct' });
    for (let i = 0; i < WARMUP; i++) await m.pay('wechat');
    for (let i = 0; i < 600; i++) withoutDisk.push(await m.pay('wechat'));
    await m.close();
    fs.rmSync(memory, { recursive: true, force: true });
  }
  await sandbox.close();
  const all = [...samples.wechat, ...samples.alipay, ...samples.unionpay, ...samples.jeepay];
  return {
    // Headline: WeChat Pay v2 (HMAC-SHA256), the common case.
    payment_local_overhead_ms_p50: percentile(samples.wechat, 50),
    payment_local_overhead_ms_p99: percentile(samples.wechat, 99),
    // Alipay signs with RSA-2048 (SHA256withRSA), about a millisecond of CPU by itself.
    payment_local_overhead_alipay_ms_p50: percentile(samples.alipay, 50),
    payment_local_overhead_alipay_ms_p99: percentile(samples.alipay, 99),
    payment_local_overhead_unionpay_ms_p50: percentile(samples.unionpay, 50),
    payment_local_overhead_unionpay_ms_p99: percentile(samples.unionpay, 99),
    payment_local_overhead_jeepay_ms_p50: percentile(samples.jeepay, 50),
    payment_local_overhead_jeepay_ms_p99: percentile(samples.jeepay, 99),
    payment_local_overhead_all_gateways_ms_p99: percentile(all, 99),
    // Default settings (auto-print on): the receipt job and the print queue's commits come on top.
    payment_local_overhead_with_receipt_ms_p50: percentile(withReceipt, 50),
    payment_local_overhead_with_receipt_ms_p99: percentile(withReceipt, 99),
    // No quiet time between sales: SQLite's automatic WAL checkpoints land inside some payments.
    payment_local_overhead_saturated_ms_p50: percentile(saturated, 50),
    payment_local_overhead_saturated_ms_p99: percentile(saturated, 99),
    // Host work alone (database on tmpfs, no disk wait): -1 when no memory file system is available.
    payment_local_overhead_without_disk_ms_p50: withoutDisk.length ? percentile(withoutDisk, 50) : -1,
    payment_local_overhead_without_disk_ms_p99: withoutDisk.length ? percentile(withoutDisk, 99) : -1,
    // The disk floor, sampled between the payments above: one bare durable commit (WAL, synchronous=FULL),
    // which a code payment waits for once (its result), and two in a row (what it would wait for if its
    // write-ahead record waited for the disk too).
    sqlite_commit_ms_p50: percentile(commits, 50),
    sqlite_commit_ms_p99: percentile(commits, 99),
    sqlite_two_commits_ms_p50: percentile(commitPairs, 50),
    sqlite_two_commits_ms_p99: percentile(commitPairs, 99),
    // The quiet-time WAL checkpoint run between sales (off the payments' path).
    sqlite_checkpoint_ms_p50: percentile(checkpoints, 50),
    sqlite_checkpoint_ms_p99: percentile(checkpoints, 99),
  };
}
