/**
 * Alipay trade bill (业务明细, from alipay.data.dataservice.bill.downloadurl.query): CSV with `#` comment
 * lines around a header + detail rows, then the totals: `#交易合计：N笔，商家实收共…元…` and `#退款合计：M笔，…` on two
 * lines as Alipay writes them (one line `#交易合计：N笔，退款合计：M笔` is read too); amounts in yuan,
 * refunds negative. The download is a ZIP of GBK files (see ./bill-zip); this module reads the decoded
 * detail text. Every detail line becomes a row or a counted rejection, never nothing.
 */
import { fenToYuan, tryYuanToFen } from '../../../../shared/payments/amount';
import { billRowProblem } from '../bill-rows';
import { type BillProblemCode, type BillRow, type BillRowRejection } from '../types';

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
  const trades = entries.filter((e) => e.kind === 'payment');
  const refunds = entries.filter((e) => e.kind !== 'payment');
  const sum = (xs: readonly AlipayBillEntry[]): number => xs.reduce((n, e) => n + e.amountFen, 0);
  lines.push('#-----------------------------------------业务明细列表结束------------------------------------');
  lines.push(`#交易合计：${trades.length}笔，商家实收共${fenToYuan(sum(trades))}元，商家优惠共0.00元`);
  lines.push(`#退款合计：${refunds.length}笔，商家实收退款共${fenToYuan(-sum(refunds))}元，商家优惠退款共0.00元`);
  lines.push(`#导出时间：[${exportedAt}]`);
  return `${lines.join('\r\n')}\r\n`;
}

/** The summary file (业务明细(汇总)) that ships beside the detail in the real ZIP. */
export function buildAlipayBillSummary(pid: string, date: string, entries: readonly AlipayBillEntry[], exportedAt: string): string {
  const trades = entries.filter((e) => e.kind === 'payment');
  const paid = trades.reduce((s, e) => s + e.amountFen, 0);
  const back = entries.filter((e) => e.kind !== 'payment').reduce((s, e) => s + e.amountFen, 0);
  return [
    '#支付宝业务汇总查询',
    `#账号：[${pid}]`,
    `#起始日期：[${date} 00:00:00]   终止日期：[${date} 23:59:59]`,
    '#-----------------------------------------业务汇总列表----------------------------------------',
    '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,实收净额（元）',
    `,合计,${trades.length},${entries.length - trades.length},${fenToYuan(paid - back)},${fenToYuan(paid - back)},${fenToYuan(paid - back)}`,
    '#-----------------------------------------业务汇总列表结束------------------------------------',
    `#导出时间：[${exportedAt}]`,
    '',
  ].join('\r\n');
}

/** A bill that cannot be read at all; `code` says why (see BillProblemCode). */
export class AlipayBillError extends Error {
  constructor(
    readonly code: BillProblemCode,
    message: string,
  ) {
    super(message);
    this.name = 'AlipayBillError';
  }
}

export type AlipayBillParse = {
  rows: BillRow[];
  rejected: BillRowRejection[];
  /** Rows the file's own totals line announces (trades + refunds); null when it has none. */
  declaredCount: number | null;
};

/** One CSV record: commas separate, double quotes may wrap a field ("" inside is a quote). */
export function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === ',') {
      out.push(field);
      field = '';
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else field += c;
  }
  if (quoted) return null;
  out.push(field);
  return out;
}

/** Header names compared without spaces and with ASCII parentheses (files use both （元） and (元)). */
const norm = (h: string): string => h.replace(/^\uFEFF/, '').trim().replace(/（/g, '(').replace(/）/g, ')');
const NEEDED = ['支付宝交易号', '商户订单号', '业务类型', '完成时间', '订单金额(元)', '退款批次号/请求号', '备注'] as const;
const ID = /^[0-9A-Za-z_-]{1,64}$/;
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** The line that closes the detail list; only `#` comments (totals, export time) may follow it. */
const LIST_END = /^#-+业务明细列表结束/;
// The totals: trades and refunds each on its own line (Alipay's files), or both on one.
const TRADES_TOTAL = /交易合计[：:]\s*(\d+)\s*笔/;
const REFUNDS_TOTAL = /退款合计[：:]\s*(\d+)\s*笔/;

type RowResult = { ok: true; row: BillRow } | { ok: false; reason: string };

function readRow(fields: string[], col: Record<(typeof NEEDED)[number], number>, width: number, terminalCol: number): RowResult {
  // Alipay ends some rows with a comma: one extra empty field is fine, anything else is a misaligned row.
  if (fields.length !== width && !(fields.length === width + 1 && fields[width]?.trim() === '')) {
    return { ok: false, reason: `${fields.length} fields, the header has ${width}` };
  }
  const get = (name: (typeof NEEDED)[number]): string => (fields[col[name]] ?? '').trim();
  const orderNo = get('商户订单号');
  const tradeNo = get('支付宝交易号');
  const type = get('业务类型');
  const time = get('完成时间');
  if (!ID.test(orderNo)) return { ok: false, reason: 'bad merchant order number (商户订单号)' };
  if (!ID.test(tradeNo)) return { ok: false, reason: 'bad Alipay trade number (支付宝交易号)' };
  if (type !== '交易' && type !== '退款') return { ok: false, reason: `unknown business type (业务类型) "${type.slice(0, 16)}"` };
  if (!TIME.test(time)) return { ok: false, reason: 'bad finish time (完成时间)' };
  const signed = tryYuanToFen(get('订单金额(元)'));
  if (signed === undefined) return { ok: false, reason: 'bad amount (订单金额)' };
  if (type === '交易' ? signed < 0 : signed > 0) return { ok: false, reason: `a ${type === '交易' ? 'payment' : 'refund'} with the wrong sign: ${get('订单金额(元)')}` };
  const kind: BillRow['kind'] = type === '交易' ? 'payment' : get('备注') === '撤销' ? 'reversal' : 'refund';
  const row: BillRow = { kind, orderNo, transactionId: tradeNo, amountFen: Math.abs(signed), status: type, time };
  const refundNo = get('退款批次号/请求号');
  if (kind !== 'payment' && refundNo !== '') row.refundNo = refundNo;
  const terminal = terminalCol < 0 ? '' : (fields[terminalCol] ?? '').trim();
  if (terminal !== '') row.terminalId = terminal;
  // The checks every bill shares: a refund needs its number, amounts within any sale, ids keepable.
  const problem = billRowProblem(row);
  return problem === undefined ? { ok: true, row } : { ok: false, reason: problem };
}

/**
 * The detail CSV (already decoded) → rows plus per-line rejections. Throws `AlipayBillError('NOT_A_BILL')`
 * only when the text has no usable header; a bad line never stops the others.
 */
export function parseAlipayBill(text: string): AlipayBillParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = headerAt < 0 ? undefined : splitCsvLine(lines[headerAt] ?? '')?.map(norm);
  if (!header || !header.includes('商户订单号') || !header.includes('支付宝交易号')) throw new AlipayBillError('NOT_A_BILL', 'Not an Alipay trade bill: no 支付宝交易号/商户订单号 header');
  const col = {} as Record<(typeof NEEDED)[number], number>;
  for (const name of NEEDED) {
    const i = header.indexOf(name);
    if (i < 0) throw new AlipayBillError('NOT_A_BILL', `The bill has no column ${name}`);
    col[name] = i;
  }
  // 终端号 (terminal_id): the terminal that took the order; optional.
  const terminalCol = header.indexOf('终端号');
  const rows: BillRow[] = [];
  const rejected: BillRowRejection[] = [];
  let declaredTrades: number | null = null;
  let declaredRefunds = 0;
  let listEnded = false;
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('#')) {
      const trades = TRADES_TOTAL.exec(line);
      const refunds = REFUNDS_TOTAL.exec(line);
      if (trades) declaredTrades = Number(trades[1]);
      if (refunds) declaredRefunds = Number(refunds[1]);
      if (trades || refunds) listEnded = true;
      else if (LIST_END.test(line)) listEnded = true;
      // Inside the list a comment line is a damaged row (or a cut-and-paste accident): counted, not skipped.
      else if (!listEnded) rejected.push({ line: i + 1, reason: 'comment line inside the detail list', text: line.slice(0, 200) });
      continue;
    }
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    const r = fields ? readRow(fields, col, header.length, terminalCol) : { ok: false as const, reason: 'unterminated quote' };
    if (r.ok) rows.push(r.row);
    else rejected.push({ line: i + 1, reason: r.reason, text: line.slice(0, 200) });
  }
  // Without its trades total the file was cut short (that line comes first); the refunds line may follow it.
  return { rows, rejected, declaredCount: declaredTrades === null ? null : declaredTrades + declaredRefunds };
}
