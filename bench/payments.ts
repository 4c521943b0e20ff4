import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHost } from '../electron/host';
import { silentLogger } from '../electron/log';
import { httpSend, type SendFn, sandboxChannelConfig } from '../electron/payments/channels/index';
import { startSandbox } from '../electron/sandbox/server';
import { nowMs, percentile } from './stats';
import { type Db } from '../electron/db/open';

/** Latency of an empty durable commit on the same database (what fsync costs on this disk). */
function commitFloor(db: Db): { p50: number; p99: number } {
  db.exec('CREATE TABLE IF NOT EXISTS bench_probe_disk (n INTEGER) STRICT');
  const insert = db.prepare('INSERT INTO bench_probe_disk (n) VALUES (?)');
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = nowMs();
    db.transaction(() => insert.run(i))();
    samples.push(nowMs() - t0);
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/**
 * Local overhead of one code payment: from `payment.start` to the committed success, minus the time spent
 * in the HTTP round trip to the channel (the in-process sandbox, zero added latency). What remains is the
 * host's own work: classify, persist (write-ahead), sign, parse, verify, commit with the outbox record.
 */
export async function benchPayments(): Promise<Record<string, number>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-pay-'));
  const sandbox = await startSandbox();
  let inSend = 0;
  const timedSend: SendFn = async (req) => {
    const t0 = nowMs();
    try {
      return await httpSend(req);
    } finally {
      inSend += nowMs() - t0;
    }
  };
  const host = createHost({ dataDir, logger: silentLogger, initialManagerPin: '123456', payments: { channels: sandboxChannelConfig(sandbox), channelDeps: { send: timedSend } } });
  const client = host.connect();
  const must = async <T>(method: string, params: unknown): Promise<T> => {
    const r = await host.call(method, params, client);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  await must('session.login', { userId: 'manager', pin: '123456' });
  const waiters = new Map<string, () => void>();
  host.subscribe((e) => {
    if (e.event !== 'payment.progress' || e.payload.state !== 'succeeded') return;
    waiters.get(e.payload.attemptId)?.();
  });

  const samples: Record<'wechat' | 'alipay', number[]> = { wechat: [], alipay: [] };
  const RUNS = 600;
  for (let i = 0; i < RUNS + 40; i++) {
    const wallet = i % 4 === 3 ? 'alipay' : 'wechat';
    const sale = await must<{ id: string }>('sale.open', {});
    await must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 1000 + (i % 50) * 100 });
    const code = `${wallet === 'wechat' ? '13' : '28'}${String(i).padStart(16, '0')}`;
    inSend = 0;
    let done!: () => void;
    const settled = new Promise<void>((r) => (done = r));
    const t0 = nowMs();
    const a = await must<{ id: string; state: string }>('payment.start', { saleId: sale.id, code });
    waiters.set(a.id, done);
    if (a.state !== 'succeeded') await settled;
    const local = nowMs() - t0 - inSend;
    waiters.delete(a.id);
    if (i >= 40) samples[wallet].push(local); // first runs warm up the JIT and the sandbox
  }
  const fsync = commitFloor(host.ctx.db);
  await host.close();
  await sandbox.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    // Headline: WeChat Pay v2 (HMAC-SHA256), the common case.
    payment_local_overhead_ms_p50: percentile(samples.wechat, 50),
    payment_local_overhead_ms_p99: percentile(samples.wechat, 99),
    // Alipay signs with RSA-2048 (SHA256withRSA), about a millisecond of CPU by itself.
    payment_local_overhead_alipay_ms_p50: percentile(samples.alipay, 50),
    payment_local_overhead_alipay_ms_p99: percentile(samples.alipay, 99),
    // The disk floor: one empty durable commit (WAL, synchronous=FULL). A code payment needs two
    // (write-ahead before the request, the result before telling the cashier).
    payment_durable_commit_ms_p50: fsync.p50,
    payment_durable_commit_ms_p99: fsync.p99,
  };
}
