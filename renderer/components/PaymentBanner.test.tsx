import { describe, expect, it, vi } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { type AttemptView } from '../../shared/sales/views';

// The app store reads the stored language at import time: a minimal localStorage/document for node.
vi.hoisted(() => {
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
  vi.stubGlobal('document', { documentElement: { lang: 'zh-CN' } });
});
const { PaymentBanner } = await import('./PaymentBanner');

const attempt = (over: Partial<AttemptView>): AttemptView => ({
  id: 'a1', saleId: 's1', orderNo: 'o1', wallet: 'wechat', gateway: 'wechat', amountFen: 700, maskedCode: '1345**********7890',
  state: 'failed', phase: 'failed', reason: null, transactionId: null, cancelRequested: false,
  createdAt: '2026-11-26T01:00:00.000Z', updatedAt: '2026-11-26T01:00:00.000Z', ...over,
});
const render = (a: AttemptView | null) => renderToStaticMarkup(<PaymentBanner attempt={a} saleStatus="paid" />);

describe('PaymentBanner on a paid sale', () => {
  it('keeps a code payment being given back in view under 已收款', () => {
    const html = render(attempt({ state: 'reversing', phase: 'reversing', cancelRequested: true }));
    expect(html).toContain('data-phase="paid"');
    expect(html).toContain('data-testid="giveback-banner"');
    expect(html).toContain('data-advice="giving_back"');
  });

  it('does not show an earlier failed payment, whose advice ("pay another way") is about the past', () => {
    const html = render(attempt({ state: 'failed', phase: 'failed', reason: 'NOTENOUGH: 余额不足' }));
    expect(html).toContain('data-phase="paid"');
    expect(html).not.toContain('giveback-banner');
    expect(html).not.toContain('余额不足');
  });
});

describe('PaymentBanner while more is due, and once refunded', () => {
  it('a code part paid with more still due says so, not "paid"', () => {
    const html = renderToStaticMarkup(<PaymentBanner attempt={attempt({ state: 'succeeded', phase: 'paid', amountFen: 120, transactionId: 'T' })} saleStatus="paying" dueFen={180} />);
    expect(html).toContain('data-phase="part_paid"');
    expect(html).toContain('已收 ￥1.20，还需收 ￥1.80');
    expect(html).not.toContain('支付成功');
  });

  it('a sale refunded before "next customer" still reads as done (paid)', () => {
    for (const saleStatus of ['partly_refunded', 'refunded'] as const) expect(renderToStaticMarkup(<PaymentBanner attempt={null} saleStatus={saleStatus} />)).toContain('data-phase="paid"');
  });
});
