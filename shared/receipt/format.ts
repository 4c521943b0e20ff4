/** Text formatting for receipts: money, time, labels. Pure and deterministic (no Intl, no local clock). */

/** The full-width RMB sign: GB2312 fonts have it (A3 A4); the half-width ¥ prints as garbage. */
export const RMB = '\uffe5';

/** `1234` → `￥12.34`, `-50` → `-￥0.50`. Integer fen in, never a float on the way. */
export function formatFen(fen: number, sign = RMB): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`formatFen: not an integer fen amount: ${fen}`);
  const negative = fen < 0;
  const abs = negative ? -fen : fen;
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${negative ? '-' : ''}${sign}${yuan}.${cents < 10 ? '0' : ''}${cents}`;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** ISO instant → `YYYY-MM-DD HH:mm:ss` in a fixed UTC offset (China has no DST). */
export function formatLocalTime(iso: string, utcOffsetMinutes: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`formatLocalTime: not a date: ${iso}`);
  const d = new Date(ms + utcOffsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

export type ReceiptLabels = {
  saleTitle: string;
  refundTitle: string;
  copyMark: string;
  /** A receipt made in training mode. */
  trainingMark: string;
  saleNo: string;
  originalSaleNo: string;
  refundReason: string;
  cashier: string;
  terminal: string;
  time: string;
  discount: string;
  subtotal: string;
  totalDiscount: string;
  total: string;
  refundTotal: string;
  cash: string;
  given: string;
  change: string;
  cashRefund: string;
  paymentCode: string;
  txn: string;
  /** Refund receipts: the refund's own number, the approving manager, where code money went, its refund id. */
  refundNo: string;
  authorizedBy: string;
  refundTo: string;
  channelRefundId: string;
  /** Printed at the bottom of every refund receipt. */
  refundFooter: string;
};

export const LABELS: Record<'zh-CN' | 'en', ReceiptLabels> = {
  'zh-CN': {
    saleTitle: '销售小票',
    refundTitle: '退款 / REFUND',
    copyMark: '重印',
    trainingMark: '培训模式 非正式交易',
    saleNo: '单号',
    originalSaleNo: '原单号',
    refundReason: '原因',
    cashier: '收银员',
    terminal: '收银台',
    time: '时间',
    discount: '优惠',
    subtotal: '小计',
    totalDiscount: '优惠',
    total: '应收',
    refundTotal: '退款合计',
    cash: '现金',
    given: '实收',
    change: '找零',
    cashRefund: '退现金',
    paymentCode: '付款码',
    txn: '交易号',
    refundNo: '退款单号',
    authorizedBy: '授权经理',
    refundTo: '退回',
    channelRefundId: '退款流水',
    refundFooter: '款项原路退回，到账时间以支付渠道为准。请妥善保管本退款凭证。',
  },
  en: {
    saleTitle: 'SALES RECEIPT',
    refundTitle: 'REFUND',
    copyMark: 'COPY',
    trainingMark: 'TRAINING - NOT A SALE',
    saleNo: 'No.',
    originalSaleNo: 'Orig. No.',
    refundReason: 'Reason',
    cashier: 'Cashier',
    terminal: 'Till',
    time: 'Time',
    discount: 'Discount',
    subtotal: 'Subtotal',
    totalDiscount: 'Discount',
    total: 'TOTAL',
    refundTotal: 'REFUNDED',
    cash: 'Cash',
    given: 'Given',
    change: 'Change',
    cashRefund: 'Cash back',
    paymentCode: 'Code',
    txn: 'Txn',
    refundNo: 'Refund No.',
    authorizedBy: 'Approved by',
    refundTo: 'Back to',
    channelRefundId: 'Refund ID',
    refundFooter: 'Money goes back the way it was paid; when it arrives depends on the payment channel. Keep this receipt.',
  },
};

const CHANNEL_NAMES: Record<string, { 'zh-CN': string; en: string }> = {
  wechat: { 'zh-CN': '微信支付', en: 'WeChat Pay' },
  alipay: { 'zh-CN': '支付宝', en: 'Alipay' },
  unionpay: { 'zh-CN': '云闪付', en: 'UnionPay' },
  jdpay: { 'zh-CN': '京东支付', en: 'JD Pay' },
  qqwallet: { 'zh-CN': 'QQ钱包', en: 'QQ Wallet' },
  baidu: { 'zh-CN': '百度钱包', en: 'Baidu Wallet' },
  ecny: { 'zh-CN': '数字人民币', en: 'e-CNY' },
  aggregator: { 'zh-CN': '聚合支付', en: 'Aggregated' },
};

/** Printable channel name; unknown ids are printed as given. */
export function channelName(channel: string, locale: 'zh-CN' | 'en'): string {
  return CHANNEL_NAMES[channel]?.[locale] ?? channel;
}
