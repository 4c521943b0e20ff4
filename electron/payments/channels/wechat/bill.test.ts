import { describe, expect, it } from 'vitest';
import { parseWechatBill, WECHAT_BILL_HEADER, WECHAT_BILL_SUMMARY_HEADER } from './bill';

// The early bill format some merchants still get (pay.weixin.qq.com, 交易账单格式): 总金额 and 企业红包金额
// where today's has 应结订单金额 and 代金券金额, and no 订单金额 / 申请退款金额 columns at all.
const LEGACY_HEADER =
  '交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,企业红包金额,微信退款单号,商户退款单号,退款金额,企业红包退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率';
const LEGACY_SUMMARY_HEADER = '总交易单数,总交易额,总退款金额,总企业红包退款金额,手续费总金额';
const line = (fields: readonly string[]): string => fields.map((f) => `\`${f}`).join(',');
const legacyRow = (over: { state: string; orderNo: string; total: string; refundNo?: string; refund?: string; refundState?: string }): string =>
  line([
    '2026-11-25 10:00:00', 'wx1', 'm1', '0', 'T1', '4200000000000000000000000001', over.orderNo, 'oUser', 'MICROPAY', over.state, 'CMC', 'CNY',
    over.total, '0.00', over.refundNo ? 'r1' : '0', over.refundNo ?? '0', over.refund ?? '0.00', '0.00', over.refundNo ? 'ORIGINAL' : '', over.refundState ?? '',
    'shop', '', '0.06', '0.60%',
  ]);

describe('parseWechatBill: the legacy format', () => {
  it('reads a payment from 总金额 and a refund from 退款金额 (no 订单金额 / 申请退款金额 columns)', () => {
    const text = [
      LEGACY_HEADER,
      legacyRow({ state: 'SUCCESS', orderNo: 'ORD1', total: '10.00' }),
      legacyRow({ state: 'REFUND', orderNo: 'ORD1', total: '0.00', refundNo: 'RF1', refund: '2.50', refundState: 'SUCCESS' }),
      LEGACY_SUMMARY_HEADER,
      line(['2', '10.00', '2.50', '0.00', '0.05']),
      '',
    ].join('\r\n');
    const parsed = parseWechatBill(text);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.declaredCount).toBe(2);
    expect(parsed.rows).toEqual([
      { kind: 'payment', orderNo: 'ORD1', transactionId: '4200000000000000000000000001', amountFen: 1000, status: 'SUCCESS', time: '2026-11-25 10:00:00', terminalId: 'T1' },
      { kind: 'refund', orderNo: 'ORD1', transactionId: '4200000000000000000000000001', amountFen: 250, status: 'REFUND', time: '2026-11-25 10:00:00', refundNo: 'RF1', terminalId: 'T1' },
    ]);
  });

  it('a header with neither 订单金额 nor 总金额 is still not a bill', () => {
    const text = [LEGACY_HEADER.replace('总金额', '金额'), LEGACY_SUMMARY_HEADER, line(['0', '0.00', '0.00', '0.00', '0.00']), ''].join('\r\n');
    expect(() => parseWechatBill(text)).toThrow(/订单金额/);
  });
});

describe('parseWechatBill: an order with a 免充值券 (coupon)', () => {
  it('compares what the till asked: 订单金额 and 申请退款金额, not the settled 应结订单金额 / 退款金额', () => {
    const header = WECHAT_BILL_HEADER.join(',');
    // Paid 10.00 with a 2.00 coupon (settled 8.00); refunded in full: asked 10.00, settled 8.00.
    const row = (state: string, refundNo: string, settledRefund: string, askedRefund: string): string =>
      line([
        '2026-11-25 10:00:00', 'wx1', 'm1', '0', 'T1', '4200000000000000000000000001', 'ORD1', 'oUser', 'MICROPAY', state, 'CMC', 'CNY',
        state === 'SUCCESS' ? '8.00' : '0.00', '2.00', refundNo ? 'r1' : '0', refundNo || '0', settledRefund, '0.00', refundNo ? 'ORIGINAL' : '', refundNo ? 'SUCCESS' : '',
        'shop', '', '0.05', '0.60%', state === 'SUCCESS' ? '10.00' : '0.00', askedRefund, '',
      ]);
    const text = [header, row('SUCCESS', '', '0.00', '0.00'), row('REFUND', 'RF1', '8.00', '10.00'), WECHAT_BILL_SUMMARY_HEADER.join(','), line(['2', '8.00', '8.00', '0.00', '0.00', '10.00', '10.00']), ''].join('\r\n');
    expect(parseWechatBill(text).rows.map((r) => [r.kind, r.amountFen])).toEqual([
      ['payment', 1000],
      ['refund', 1000],
    ]);
  });
});
