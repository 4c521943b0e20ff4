/**
 * A training till's in-process sandbox keeps its ledger in the data folder (sandbox/ledger-file.ts): after a
 * restart it still knows the orders it charged, so a training sale made before the restart can be refunded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codes, type PaymentsTestHost, startPaymentsHost } from './testing/harness';
import { TRAINING_SANDBOX_LEDGER_FILE } from './gateways';
import { createLogger } from '../../log';
import { isTerminalAttempt } from '../../../shared/sales/views';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('training till restarted', () => {
  it('refunds a training sale paid before the restart: the sandbox still knows the order', async () => {
    const h = await startPaymentsHost();
    t = h;
    const saleId = await h.openSale(2_000);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await h.until(async () => (await h.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'training payment' });
    expect(fs.existsSync(path.join(h.dataDir, TRAINING_SANDBOX_LEDGER_FILE))).toBe(true);

    await h.restart();
    const refund = await h.must('refund.request', { saleId, amountFen: 800, reason: '退货' });
    await h.until(async () => (await h.must('refund.get', { refundId: refund.id })).state === 'succeeded', { what: 'training refund after restart', advanceMs: 1_000 });
    const sale = await h.must('sale.get', { saleId });
    expect(sale.status).toBe('partly_refunded');
    expect(sale.tenders[0]?.refundedFen).toBe(800);
  });

  it("keeps no customer's code in full: not in the file, not in the ledger its sandbox serves on localhost", async () => {
    const lines: string[] = [];
    const h = await startPaymentsHost({ logger: createLogger({ level: 'info', sink: (l) => void lines.push(l) }) });
    t = h;
    const saleId = await h.openSale(2_000);
    const code = codes.alipay();
    const a = await h.must('payment.start', { saleId, code });
    await h.until(async () => (await h.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'training payment' });
    const url = lines.map((l) => /"msg":"payment sandbox started","url":"([^"]+)"/.exec(l)?.[1]).find(Boolean);
    expect(url).toBeDefined();
    const served = await (await fetch(`${url}/__sandbox/ledger`)).text();
    expect(served).toContain(a.orderNo);
    expect(served).not.toContain(code);
    const kept = fs.readFileSync(path.join(h.dataDir, TRAINING_SANDBOX_LEDGER_FILE), 'utf8');
    expect(kept).toContain(a.orderNo);
    expect(kept).not.toContain(code);
  });

  it.each(['alipay', 'unionpay'] as const)('a %s customer who never finishes the password, the till off past the reverse window: the channel closes the order, the attempt ends and training mode can be left', async (g) => {
    const HOUR = 3_600_000;
    const h = await startPaymentsHost();
    t = h;
    const saleId = await h.openSale(1_263); // .63: the password is never finished
    const a = await h.must('payment.start', { saleId, code: g === 'alipay' ? codes.alipay() : codes.unionpay() });
    await h.until(async () => (await h.must('payment.get', { attemptId: a.id })).phase === 'waiting_password', { what: 'password entry' });
    await h.restart(() => h.clock.advance(48 * HOUR));
    await h.until(async () => isTerminalAttempt((await h.must('payment.get', { attemptId: a.id })).state), { advanceMs: 60_000, what: 'the attempt ending' });
    expect(await h.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'failed' });
    expect((await h.call('sale.void', { saleId, reason: 'customer left' })).ok).toBe(true);
    const term = h.host.ctx.settings().terminal;
    expect(await h.call('settings.update', { terminal: { ...term, mode: 'live' } })).toMatchObject({ ok: true });
  });
});

