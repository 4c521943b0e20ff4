/**
 * Child process for the crash-safety test: runs a real host against a sandbox living in the parent, makes
 * code payments, and (randomly) kills itself with SIGKILL right before a pay request leaves (the attempt is
 * committed, the channel never hears of it) and right after a channel answered — between "charged at the
 * channel" and "committed locally". The parent also kills it at random moments.
 *
 *   node --import tsx crash-child.ts work <dataDir> <endpoint.json> <seed> <selfKillPercent>
 *   node --import tsx crash-child.ts recover <dataDir> <endpoint.json>
 *
 * Output: JSON lines on stdout ({"ready":true}, {"paid":...}, and in recover mode {"summary":...}).
 */
import fs from 'node:fs';
import { createHost } from '../../../host';
import { silentLogger } from '../../../log';
import { type SandboxEndpoint, sandboxChannelConfig } from '../../channels/index';
import { type PaymentChannel } from '../../channels/types';
import { isTerminalAttempt } from '../../../../shared/sales/views';
import { fastTiming } from './harness';

const [mode, dataDir, endpointFile, seedText, killText] = process.argv.slice(2);
if (!mode || !dataDir || !endpointFile) throw new Error('usage: crash-child work|recover <dataDir> <endpoint.json> [seed] [selfKillPercent]');
const endpoint = JSON.parse(fs.readFileSync(endpointFile, 'utf8')) as SandboxEndpoint;
let seed = Number(seedText ?? 1) || 1;
const random = (): number => {
  // mulberry32: a reproducible run for a given seed.
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};
const selfKill = mode === 'work' ? Number(killText ?? 0) / 100 : 0;
const out = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const die = (): void => void process.kill(process.pid, 'SIGKILL');
/** Says where it is about to die (written synchronously: a SIGKILL right after would lose a buffered write). */
const dieAt = (point: string, orderNo: string): void => {
  fs.writeSync(1, `${JSON.stringify({ dying: point, orderNo })}\n`);
  die();
};

/**
 * The crash points: the attempt is committed (as sent) but its request has not left yet; and the channel
 * has answered (money may have moved), nothing is committed yet.
 */
const wrap = (ch: PaymentChannel): PaymentChannel => ({
  ...ch,
  pay: async (req) => {
    if (random() < selfKill / 2) dieAt('before_pay', req.orderNo);
    const r = await ch.pay(req);
    if (random() < selfKill) dieAt('pay_answered', req.orderNo);
    return r;
  },
  query: async (req) => {
    const r = await ch.query(req);
    if (r.status === 'paid' && random() < selfKill) die();
    return r;
  },
  reverse: async (req) => {
    const r = await ch.reverse(req);
    if (random() < selfKill) die();
    return r;
  },
});

// The host's timers are unref'd (a server keeps a real host alive); keep this process alive ourselves.
const keepAlive = setInterval(() => undefined, 1_000);
const host = createHost({ dataDir, logger: silentLogger, initialManagerPin: '246810', payments: { channels: sandboxChannelConfig(endpoint), wrapChannel: wrap } });
const client = host.connect();
async function must<T>(method: string, params: unknown): Promise<T> {
  const r = await host.call(method, params, client);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

await must('session.login', { userId: 'manager', pin: '246810' });
const p = host.ctx.settings().payments;
const t = fastTiming({ requestTimeoutMs: 300, firstQueryMs: 50, queryIntervalMs: 100, payDeadlineMs: 800, minReverseAfterMs: 150, reverseRetryMs: 100 });
await must('settings.update', { payments: { ...p, timings: { wechat: t, alipay: t, unionpay: t, jeepay: t } } });

// Scenario by amount (see electron/sandbox/scenarios.ts): mostly success, some password entry,
// result-unknown answers, lost answers, resets and declines.
const CENTS = [0, 0, 0, 0, 51, 60, 55, 56, 53, 58];
const PREFIX = ['13', '28', '62'];
let n = 0;
const code = (prefix: string): string => {
  n++;
  const body = `${process.pid}${Date.now()}${n}`.replace(/\D/g, '');
  return prefix === '62' ? `62${body.slice(-17).padStart(17, '0')}` : `${prefix}${body.slice(-16).padStart(16, '0')}`;
};

if (mode === 'work') {
  out({ ready: true });
  for (;;) {
    const sale = await must<{ id: string }>('sale.open', {});
    const cents = CENTS[Math.floor(random() * CENTS.length)] ?? 0;
    await must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: (1 + Math.floor(random() * 50)) * 100 + cents });
    const prefix = PREFIX[Math.floor(random() * PREFIX.length)] ?? '13';
    const a = await must<{ id: string }>('payment.start', { saleId: sale.id, code: code(prefix) });
    // The cashier gives up on some unclear payments (charged, answer lost or unknown): they must be reversed.
    if ((cents === 55 || cents === 58 || cents === 60) && random() < 0.6) await must('payment.cancel', { attemptId: a.id });
    const done = await must<{ state: string; orderNo: string }>('payment.get', { attemptId: a.id, waitMs: 10_000 });
    out({ attempt: a.id, state: done.state });
  }
} else {
  // Recovery runs on start; wait until every attempt and refund is final.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const open = await must<unknown[]>('payment.unresolved', {});
    if (open.length === 0) break;
    if (Date.now() > deadline) throw new Error(`recovery did not finish: ${open.length} open`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const db = host.ctx.db;
  const attempts = db.prepare('SELECT id, sale_id AS saleId, order_no AS orderNo, gateway, amount_fen AS amountFen, state FROM payment_attempts').all() as { state: string }[];
  const sales = db.prepare('SELECT id, status, total_fen AS totalFen, paid_fen AS paidFen FROM sales').all();
  const tenders = db.prepare('SELECT sale_id AS saleId, kind, amount_fen AS amountFen, attempt_id AS attemptId FROM tenders').all();
  out({ summary: { attempts, sales, tenders, allFinal: attempts.every((a) => isTerminalAttempt(a.state as never)) } });
  await host.close();
  clearInterval(keepAlive);
  process.exit(0);
}
