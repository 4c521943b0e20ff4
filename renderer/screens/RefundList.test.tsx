import { describe, expect, it, vi } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { type RefundView } from '../../shared/sales/views';

// The app store reads the stored language at import time: a minimal localStorage/document for node.
vi.hoisted(() => {
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
  vi.stubGlobal('document', { documentElement: { lang: 'zh-CN' } });
});
const { RefundProgress } = await import('./RefundList');

type Part = RefundView['parts'][number];
const part = (kind: Part['kind'], amountFen: number, state: Part['state'], reason: string | null = null): Part => ({
  id: `p-${kind}`, tenderId: `t-${kind}`, kind, amountFen, refundNo: kind === 'code' ? 'RN1' : null, state, reason, holdsAmount: false,
});
const refund = (state: RefundView['state'], parts: Part[]): RefundView => ({
  id: 'r1', saleId: 's1', purpose: 'refund', amountFen: 1000, state, reason: null, authorizedBy: 'manager', parts, createdAt: '2026-11-26T01:00:00.000Z',
});

describe('RefundProgress for a refund split over cash and a code', () => {
  it('the code part refused: the amount not given back is that part, and the cash handed over is said', () => {
    const html = renderToStaticMarkup(<RefundProgress refund={refund('failed', [part('code', 600, 'failed', 'NOTENOUGH: 余额不足'), part('cash', 400, 'succeeded')])} />);
    expect(html).toContain('退款失败：￥6.00 未能退还');
    expect(html).toContain('请从钱箱取出现金 ￥4.00 交给顾客');
  });

  it('the code part still on its way (a bank card: days): the cash is handed over now', () => {
    const html = renderToStaticMarkup(<RefundProgress refund={refund('pending', [part('code', 600, 'pending'), part('cash', 400, 'succeeded')])} />);
    expect(html).toContain('正在退款 ￥6.00');
    expect(html).toContain('请从钱箱取出现金 ￥4.00 交给顾客');
  });

  it('a code-only refund done says nothing about cash', () => {
    const html = renderToStaticMarkup(<RefundProgress refund={refund('succeeded', [part('code', 1000, 'succeeded')])} />);
    expect(html).toContain('退款成功：已退还 ￥10.00');
    expect(html).not.toContain('钱箱');
  });
});
