/**
 * Alipay trade bill (业务明细, from alipay.data.dataservice.bill.downloadurl.query): CSV in GBK with `#`
 * comment lines around a header + detail rows; amounts in yuan, refunds negative. The real file is zipped;
 * the sandbox serves the CSV itself (GBK), which is what this reader takes. Unzipping real bills is left
 * to the reconciliation job.
 */
import { fenToYuan, tryYuanToFen } from '../../../../shared/payments/amount';
import { type BillRow } from '../types';

export const ALIPAY_BILL_HEADER = [
  '支付宝交易号', '商户订单号', '业务类型', '商品名称', '创建时间', '完成时间', '门店编号', '门店名称', '操作员', '终端号', '对方账户',
  '订单金额（元）', '商家实收（元）', '支付宝红包（元）', '集分宝（元）', '支付宝优惠（元）', '商家优惠（元）', '券核销金额（元）', '券名称',
  '商家红包消费金额（元）', '卡消费金额（元）', '退款批次号/请求号', '服务费（元）', '分润（元）', '备注',
] as const;

export type AlipayBillEntry = {
  tradeNo: string;
  orderNo: string;
  kind: 'payment' | 'refund' | 'reversal';
  subject: string;
  createdAt: string; // yyyy-MM-dd HH:mm:ss
  finishedAt: string;
  storeId?: string;
  terminalId?: string;
  buyer: string;
  amountFen: number;
  refundNo?: string;
};

const csvField = (s: string): string => s.replace(/[,\r\n"]/g, ' ');
const feeFen = (fen: number): number => Math.floor((fen * 6 + 500) / 1000);

export function buildAlipayBill(pid: string, date: string, entries: readonly AlipayBillEntry[], exportedAt: string): string {
  const lines = [
    '#支付宝业务明细查询',
    `#账号：[${pid}]`,
    `#起始日期：[${date} 00:00:00]   终止日期：[${date} 23:59:59]`,
    '#-----------------------------------------业务明细列表----------------------------------------',
    ALIPAY_BILL_HEADER.join(','),
  ];
  for (const e of entries) {
    const signed = e.kind === 'payment' ? e.amountFen : -e.amountFen;
    const fee = e.kind === 'payment' ? feeFen(e.amountFen) : -feeFen(e.amountFen);
    lines.push([
      e.tradeNo, e.orderNo, e.kind === 'payment' ? '交易' : '退款', csvField(e.subject), e.createdAt, e.finishedAt, e.storeId ?? '', '', '',
      e.terminalId ?? '', e.buyer, fenToYuan(signed), fenToYuan(signed), '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00',
      e.refundNo ?? '', fenToYuan(fee), '0.00', e.kind === 'reversal' ? '撤销' : '',
    ].join(','));
  }
  const trades = entries.filter((e) => e.kind === 'payment').length;
  lines.push('#-----------------------------------------业务明细列表结束------------------------------------');
  lines.push(`#交易合计：${trades}笔，退款合计：${entries.length - trades}笔`);
  lines.push(`#导出时间：[${exportedAt}]`);
  return `${lines.join('\r\n')}\r\n`;
}

export class AlipayBillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlipayBillError';
  }
}

export function parseAlipayBill(text: string): BillRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (!header || !header.includes('商户订单号')) throw new AlipayBillError('Not an Alipay trade bill');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new AlipayBillError(`Bill has no column ${name}`);
    return i;
  };
  const [cTrade, cOrder, cType, cDone, cAmount, cRefundNo, cNote] = ['支付宝交易号', '商户订单号', '业务类型', '完成时间', '订单金额（元）', '退款批次号/请求号', '备注'].map(col) as [
    number, number, number, number, number, number, number,
  ];
  return lines.slice(1).map((line) => {
    const f = line.split(',').map((v) => v.trim());
    const get = (i: number): string => f[i] ?? '';
    const signed = tryYuanToFen(get(cAmount));
    if (signed === undefined) throw new AlipayBillError(`Bad amount for order ${get(cOrder)}`);
    const type = get(cType);
    const kind: BillRow['kind'] = type === '交易' ? 'payment' : get(cNote) === '撤销' ? 'reversal' : 'refund';
    const row: BillRow = { kind, orderNo: get(cOrder), transactionId: get(cTrade), amountFen: Math.abs(signed), status: type, time: get(cDone) };
    if (get(cRefundNo)) row.refundNo = get(cRefundNo);
    return row;
  });
}
