/**
 * WeChat Pay v2 daily bill (downloadbill, bill_type=ALL): text, one header row, detail rows whose every
 * field starts with a backtick (so spreadsheets keep long numbers as text), then a summary header and a
 * summary row. Amounts in yuan. Used by the sandbox to write bills and by the adapter to read them.
 */
import { fenToYuan, tryYuanToFen } from '../../../../shared/payments/amount';
import { type BillParse, keepRow } from '../bill-rows';
import { type BillRow } from '../types';

export const WECHAT_BILL_HEADER = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态',
  '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型',
  '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注',
] as const;
export const WECHAT_BILL_SUMMARY_HEADER = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'] as const;

export type WechatBillEntry = {
  time: string; // yyyy-MM-dd HH:mm:ss
  appId: string;
  mchId: string;
  subMchId?: string;
  deviceInfo?: string;
  transactionId: string;
  orderNo: string;
  openId: string;
  /** SUCCESS (payment), REFUND (a refund row), REVOKED (reversed). */
  state: 'SUCCESS' | 'REFUND' | 'REVOKED';
  orderFen: number;
  refundId?: string;
  refundNo?: string;
  refundFen?: number;
  subject: string;
};

/** Fee at 0.6%, rounded half up, in integer fen. */
const feeFen = (fen: number): number => Math.floor((fen * 6 + 500) / 1000);

export function buildWechatBill(entries: readonly WechatBillEntry[]): string {
  const lines: string[] = [WECHAT_BILL_HEADER.join(',')];
  let settled = 0;
  let refunded = 0;
  let fees = 0;
  let ordered = 0;
  for (const e of entries) {
    const refundFen = e.state === 'REFUND' ? (e.refundFen ?? 0) : 0;
    const settleFen = e.state === 'SUCCESS' ? e.orderFen : 0;
    const fee = e.state === 'SUCCESS' ? feeFen(e.orderFen) : e.state === 'REFUND' ? -feeFen(refundFen) : 0;
    settled += settleFen;
    refunded += refundFen;
    fees += fee;
    ordered += e.state === 'SUCCESS' ? e.orderFen : 0;
    const fields = [
      e.time, e.appId, e.mchId, e.subMchId ?? '0', e.deviceInfo ?? '', e.transactionId, e.orderNo, e.openId, 'MICROPAY', e.state,
      'OTHERS', 'CNY', fenToYuan(settleFen), '0.00', e.refundId ?? '0', e.refundNo ?? '0', fenToYuan(refundFen), '0.00',
      e.state === 'REFUND' ? 'ORIGINAL' : '', e.state === 'REFUND' ? 'SUCCESS' : '', e.subject.replace(/[,`\r\n]/g, ' '), '',
      fenToYuan(fee), '0.60%', fenToYuan(e.orderFen), fenToYuan(refundFen), '',
    ];
    lines.push(fields.map((f) => `\`${f}`).join(','));
  }
  lines.push(WECHAT_BILL_SUMMARY_HEADER.join(','));
  const summary = [String(entries.length), fenToYuan(settled), fenToYuan(refunded), '0.00', fenToYuan(fees), fenToYuan(ordered), fenToYuan(refunded)];
  lines.push(summary.map((f) => `\`${f}`).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export class WechatBillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatBillError';
  }
}

const splitRow = (line: string): string[] => (line.startsWith('`') ? line.slice(1) : line).split(',`');
const STATES = new Set(['SUCCESS', 'REFUND', 'REVOKED']);
/** Yuan as WeChat writes it: unsigned, at most two decimals. */
const AMOUNT = /^\d+(\.\d{1,2})?$/;

export type WechatBillParse = BillParse & {
  /** Detail rows the summary announces (总交易单数). */
  declaredCount: number;
  /** Lines after the summary (rejected, and not among what it counts). */
  afterSummary: number;
};

/**
 * A bill → rows plus per-line rejections. Throws `WechatBillError` only when the text is not a bill (no
 * header, a needed column missing, no summary); a bad line never stops the others. A line is rejected when
 * it has another number of fields than the header, an unknown 交易状态, a refund neither done nor in progress
 * (退款状态 other than SUCCESS / PROCESSING), or
 * an amount that is not plain unsigned yuan.
 */
export function parseWechatBill(text: string): WechatBillParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  const header = lines[headerAt]?.split(',');
  if (!header || !header.includes('商户订单号')) throw new WechatBillError('Not a WeChat bill');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new WechatBillError(`Bill has no column ${name}`);
    return i;
  };
  const [cTime, cTx, cOrder, cState, cRefundNo, cRefundState] = ['交易时间', '微信订单号', '商户订单号', '交易状态', '商户退款单号', '退款状态'].map(col) as [
    number, number, number, number, number, number,
  ];
  // The amounts the till asked for: 订单金额 (total_fee) and 申请退款金额 (refund_fee). 应结订单金额 and 退款金额
  // are what is settled, less 免充值券 (the summary pairs them so: 应结订单总金额 with 退款总金额, 订单总金额 with
  // 申请退款总金额): with a coupon on the order they differ from what the till recorded.
  // Some merchants still get the early format (总金额, 企业红包金额; no 订单金额 / 申请退款金额): its 总金额 is
  // the order's amount and 退款金额 the refund's.
  const cOrderAmt = header.includes('订单金额') ? col('订单金额') : header.indexOf('总金额');
  if (cOrderAmt < 0) throw new WechatBillError('Bill has no column 订单金额 (nor the early format\'s 总金额)');
  const cRefundAmt = header.includes('申请退款金额') ? col('申请退款金额') : col('退款金额');
  // 设备号 (device_info): the terminal that took the order; optional, older exports may lack it.
  const cDevice = header.indexOf('设备号');
  const summaryAt = lines.findIndex((l, i) => i > headerAt && l.startsWith('总交易单数'));
  const summary = summaryAt < 0 ? undefined : splitRow(lines[summaryAt + 1] ?? '');
  const declared = summary?.[0]?.trim() ?? '';
  if (!/^\d{1,9}$/.test(declared)) throw new WechatBillError('Bill has no summary (cut short?)');
  const out: BillParse = { rows: [], rejected: [] };
  for (let i = headerAt + 1; i < summaryAt; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const f = splitRow(line);
    const get = (c: number): string => (f[c] ?? '').trim();
    const state = get(cState);
    const isRefund = state === 'REFUND';
    const amountText = isRefund ? get(cRefundAmt) : get(cOrderAmt);
    let row: BillRow | string;
    if (f.length !== header.length) row = `${f.length} fields, the header has ${header.length}`;
    else if (!STATES.has(state)) row = `unknown 交易状态 "${state.slice(0, 16)}"`;
    // PROCESSING: accepted, not finished when the bill was made (a bill is never updated afterwards): the
    // refund is at the channel. Anything else but SUCCESS (closed, 退款异常) moved no money: rejected, said.
    else if (isRefund && !['SUCCESS', 'PROCESSING'].includes(get(cRefundState))) row = `refund not done (退款状态 "${get(cRefundState).slice(0, 16)}")`;
    else if (!AMOUNT.test(amountText) || tryYuanToFen(amountText) === undefined) row = `bad amount "${amountText.slice(0, 16)}"`;
    else {
      row = { kind: isRefund ? 'refund' : state === 'REVOKED' ? 'reversal' : 'payment', orderNo: get(cOrder), transactionId: get(cTx), amountFen: tryYuanToFen(amountText) ?? -1, status: state, time: get(cTime) };
      if (isRefund) row.refundNo = get(cRefundNo);
      if (isRefund && get(cRefundState) === 'PROCESSING') row.processing = true;
      const device = cDevice < 0 ? '' : get(cDevice);
      if (device !== '') row.terminalId = device;
    }
    keepRow(out, i + 1, line, row);
  }
  // The summary ends the bill: anything after it (a detail line appended, the file delivered twice) is
  // rejected line by line, never skipped, so it can neither vanish nor be counted as the day's.
  let afterSummary = 0;
  for (let i = summaryAt + 2; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    keepRow(out, i + 1, line, 'after the bill\'s summary');
    afterSummary++;
  }
  return { ...out, declaredCount: Number(declared), afterSummary };
}
