import path from 'node:path';
import { createHost } from '../electron/host';
import { silentLogger } from '../electron/log';
import { httpSend, type SendFn, sandboxChannelConfig } from '../electron/payments/channels/index';
import { type Sandbox } from '../electron/sandbox/server';
import { type Db, openDatabase } from '../electron/db/open';
import { nowMs } from './stats';

export type Gateway = 'wechat' | 'alipay' | 'unionpay' | 'jeepay';

/** Payment codes per gateway (the Jeepay aggregator gets WeChat codes: routing wechat → aggregator). */
const codeFor = (g: Gateway, n: number): string => {
  const tail = String(n).padStart(16, '0');
  if (g === 'alipay') return `28${tail}`;
  if (g === 'unionpay') return `62${tail}0`;
  return `13${tail}`;
};

/**
 * Two bare durable commits (WAL, synchronous=FULL) per call: what the disk alone costs right now. A code
 * payment waits for one (its result); its start is written without waiting (engine.ts). The WAL is
 * checkpointed afterwards, so like the host's it is reused rather than grown (growing the file would add a
 * journal commit to every fsync).
 */
function commitProbe(db: Db): () => [number, number] {
  db.exec('CREATE TABLE probe (n INTEGER) STRICT');
  const insert = db.prepare('INSERT INTO probe (n) VALUES (1)');
  const commit = db.transaction(() => insert.run());
  const timed = (): number => {
    const t0 = nowMs();
    commit();
    return nowMs() - t0;
  };
  return () => {
    const pair: [number, number] = [timed(), timed()];
    db.pragma('wal_checkpoint(PASSIVE)');
    return pair;
  };
}

/**
 * A host on `dataDir` paying sales through the in-process sandbox, timing each payment's local overhead:
 * from `payment.start` until the `succeeded` event, minus the time inside the transport's `send`. With
 * `probe`, a bare commit pair on the same disk is sampled after each payment (the disk floor of the moment).
 */
export async function startPaymentSession(dataDir: string, sandbox: Sandbox, opts: { probe: boolean; firstCode?: number }) {
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
  // Same disk, same pragmas, its own file: the host's WAL and checkpoints are not disturbed.
  const probe = opts.probe ? openDatabase(path.join(dataDir, 'probe.db'), []).db : null;
  const probeCommit = probe ? commitProbe(probe) : null;
  const client = host.connect();
  const must = async <T>(method: string, params: unknown): Promise<T> => {
    const r = await host.call(method, params, client);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  await must('session.login', { userId: 'manager', pin: '123456' });
  // Resolved with the final state; a bench payment that does not succeed stops the bench (never hangs it).
  const waiters = new Map<string, (state: string) => void>();
  host.subscribe((e) => {
    if (e.event !== 'payment.progress' || !['succeeded', 'failed', 'reversed'].includes(e.payload.state)) return;
    waiters.get(e.payload.attemptId)?.(e.payload.state);
  });

  // Codes are single use at the sandbox: a second session on the same sandbox starts further on.
  let n = opts.firstCode ?? 0;
  const commits: number[] = [];
  const commitPairs: number[] = [];
  const checkpoints: number[] = [];
  return {
    commits,
    commitPairs,
    checkpoints,
    async settings(patch: { autoPrint: boolean; wechatVia: 'direct' | 'aggregator' }): Promise<void> {
      const s = host.ctx.settings();
      await must('settings.update', { devices: { ...s.devices, autoPrint: patch.autoPrint }, payments: { ...s.payments, routing: { ...s.payments.routing, wechat: patch.wechatVia } } });
    },
    /** One sale paid by one code; returns the host's time, excluding the channel round trip. */
    async pay(g: Gateway, quietBetweenSales = true): Promise<number> {
      n++;
      if (quietBetweenSales) {
        // What the idle checkpoint does between customers (see payments.ts).
        const t0 = nowMs();
        host.ctx.db.pragma('wal_checkpoint(PASSIVE)');
        checkpoints.push(nowMs() - t0);
      }
      const sale = await must<{ id: string }>('sale.open', {});
      // Amounts end in .00: the sandbox's plain success scenario.
      await must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 1000 + (n % 50) * 100 });
      inSend = 0;
      let done!: (state: string) => void;
      const settled = new Promise<string>((r) => (done = r));
      const t0 = nowMs();
      const a = await must<{ id: string; state: string }>('payment.start', { saleId: sale.id, code: codeFor(g, n) });
      waiters.set(a.id, done);
      const final = a.state === 'succeeded' || a.state === 'failed' || a.state === 'reversed' ? a.state : await settled;
      const local = nowMs() - t0 - inSend;
      if (final !== 'succeeded') throw new Error(`bench payment ${a.id} ended ${final}`);
      waiters.delete(a.id);
      if (probeCommit) {
        const [c1, c2] = probeCommit();
        commits.push(c1, c2);
        commitPairs.push(c1 + c2);
      }
      return local;
    },
    async close(): Promise<void> {
      await host.close();
      probe?.close();
    },
  };
}
