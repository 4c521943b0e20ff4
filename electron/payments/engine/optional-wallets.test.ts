/**
 * Optional wallets (JD Pay, QQ Wallet, Baidu, e-CNY), when a manager switches them on, go to the aggregator,
 * which sorts the code itself. The training sandbox's aggregator takes them, so they are charged there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

let n = 0;
const tail = (digits: number): string => `${String(Date.now() % 1e8).padStart(8, '0')}${String(++n).padStart(digits - 8, '0')}`;
const optional = {
  jdpay: () => codes.jdpay(),
  qqwallet: () => `91${tail(16)}`,
  baidu: () => `31${tail(16)}`,
  ecny: () => `01${tail(17)}`,
} as const;

describe('training mode with an optional wallet switched on', () => {
  it.each(Object.keys(optional) as (keyof typeof optional)[])('a %s code is charged through the aggregator', async (wallet) => {
    const h = await startPaymentsHost();
    t = h;
    const p = h.host.ctx.settings().payments;
    await h.must('settings.update', { payments: { ...p, wallets: { ...p.wallets, [wallet]: true } } });
    const saleId = await h.openSale(1_00);
    const a = await h.must('payment.start', { saleId, code: optional[wallet]() });
    expect(a).toMatchObject({ wallet, gateway: 'jeepay' });
    await h.until(async () => (await h.must('payment.get', { attemptId: a.id })).state === 'succeeded', { advanceMs: 1_000, what: `${wallet} payment` });
    expect((await h.must('sale.get', { saleId })).status).toBe('paid');
  });
});
