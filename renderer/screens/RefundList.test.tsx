import { describe, expect, it, vi } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { type RefundView, type SaleView } from '../../shared/sales/views';

// The app store reads the stored language at import time: a minimal localStorage/document for node.
vi.hoisted(() => {
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
  vi.stubGlobal('document', { documentElement: { lang: 'zh-CN' } });
});
const { RefundList, RefundProgress } = await import('./RefundList');
const { RefundForm } = await import('./RefundForm');

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

describe('RefundForm after a refund failed on the channel\'s own error', () => {
  const sale: SaleView = {
    id: 's1', receiptNo: 'T01-20261126-0001', businessDate: '2026-11-26', terminalId: 'T01', cashierId: 'u1', status: 'paid',
    lines: [], tenders: [], subtotalFen: 1000, discountFen: 0, totalFen: 1000, paidFen: 1000, dueFen: 0, refundedFen: 0,
    activeAttempt: null, createdAt: '2026-11-26T01:00:00.000Z', completedAt: '2026-11-26T01:01:00.000Z', voidedAt: null, training: false,
  };
  it('warns before a new refund that the failed one may have gone back; a plain refusal does not', () => {
    const form = (reason: string) => renderToStaticMarkup(<RefundForm sale={sale} refunds={[refund('failed', [part('code', 300, 'failed', reason)])]} refundable={1000} managers={[]} />);
    expect(form('ACQ.SYSTEM_ERROR: 系统错误')).toContain('data-testid="refund-unclear"');
    expect(form('NOTENOUGH: 商户余额不足')).not.toContain('refund-unclear');
  });
});

describe('RefundList row of a refund split over cash and a code', () => {
  it('says what of it has gone back while the code part failed', () => {
    const html = renderToStaticMarkup(<RefundList refunds={[refund('failed', [part('code', 600, 'failed', 'NOTENOUGH: 余额不足'), part('cash', 400, 'succeeded')])]} managers={[]} />);
    expect(html).toContain('其中 ￥4.00 已退');
  });
});
