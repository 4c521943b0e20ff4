import { channelName, formatFen, formatLocalTime, LABELS, type ReceiptLabels } from './format';
import { PAPER_COLUMNS, type PaperWidth, type Receipt, type Tender } from './model';
import { padToWidth, sanitizeText, textWidth, wrapToWidth } from './width';

/**
 * Receipt → abstract layout ops. Every `text` and `row` op is one printed line that already fits the paper
 * at its size, so encoders (ESC/POS, preview) never do width math of their own beyond `formatRow`.
 */

export type Align = 'left' | 'center' | 'right';
/** normal: 1×1; tall: double height only (same columns); double: 2×2 (half the columns). */
export type TextSize = 'normal' | 'tall' | 'double';
export type QrEcc = 'L' | 'M' | 'Q' | 'H';

export type LayoutOp =
  | { op: 'text'; text: string; align: Align; bold: boolean; size: TextSize }
  | { op: 'row'; left: string; right: string; bold: boolean; size: TextSize }
  | { op: 'separator'; char: '-' | '=' }
  | { op: 'feed'; lines: number }
  | { op: 'qr'; payload: string; moduleSize: number; ecc: QrEcc }
  | { op: 'cut' }
  | { op: 'drawer' };

export type ReceiptLayout = { paperWidth: PaperWidth; columns: number; ops: LayoutOp[] };

/** Columns available to a line of the given size. */
export function columnsFor(columns: number, size: TextSize): number {
  return size === 'double' ? Math.floor(columns / 2) : columns;
}

/** A two-column row as one line of exactly `columns(size)` columns. */
export function formatRow(left: string, right: string, columns: number): string {
  const gap = Math.max(1, columns - textWidth(left) - textWidth(right));
  return left + ' '.repeat(gap) + right;
}

/** Accumulates ops and enforces the fit-the-paper rule. */
class LayoutBuilder {
  readonly ops: LayoutOp[] = [];
  constructor(readonly columns: number) {}

  text(raw: string, opts: { align?: Align; bold?: boolean; size?: TextSize } = {}): void {
    const size = opts.size ?? 'normal';
    for (const line of wrapToWidth(sanitizeText(raw), columnsFor(this.columns, size))) {
      this.ops.push({ op: 'text', text: line, align: opts.align ?? 'left', bold: opts.bold ?? false, size });
    }
  }

  /** A row when both sides fit on one line; otherwise the left side, then the right side right-aligned. */
  row(rawLeft: string, rawRight: string, opts: { bold?: boolean; size?: TextSize } = {}): void {
    const size = opts.size ?? 'normal';
    const bold = opts.bold ?? false;
    const cols = columnsFor(this.columns, size);
    const left = sanitizeText(rawLeft).trimEnd();
    const right = sanitizeText(rawRight).trim();
    if (textWidth(left) + 1 + textWidth(right) <= cols) {
      this.ops.push({ op: 'row', left, right, bold, size });
      return;
    }
    this.text(left, { bold, size });
    this.text(right, { align: 'right', bold, size });
  }

  push(op: LayoutOp): void {
    this.ops.push(op);
  }
}

const isRefundReceipt = (r: Receipt): boolean => r.kind === 'refund' || (r.kind === 'copy' && r.copyOf === 'refund');

function addHeader(b: LayoutBuilder, r: Receipt, l: ReceiptLabels, isRefund: boolean): void {
  b.text(r.store.name, { align: 'center', bold: true, size: 'double' });
  if (r.store.address.trim() !== '') b.text(r.store.address, { align: 'center' });
  // A refund is unmistakable at a glance: its title is printed at double size.
  if (isRefund) b.text(l.refundTitle, { align: 'center', bold: true, size: 'double' });
  else b.text(l.saleTitle, { align: 'center', bold: true });
  if (r.kind === 'copy') {
    const n = r.copyNumber === undefined ? '' : ` #${r.copyNumber}`;
    b.text(`*** ${l.copyMark}${n} ***`, { align: 'center', bold: true });
  }
  if (r.training) b.text(`*** ${l.trainingMark} ***`, { align: 'center', bold: true });
  b.push({ op: 'separator', char: '=' });
  b.row(`${isRefund ? l.refundNo : l.saleNo}:`, r.saleNo);
  if (r.originalSaleNo) b.row(`${l.originalSaleNo}:`, r.originalSaleNo);
  if (r.refundReason) b.row(`${l.refundReason}:`, r.refundReason);
  b.row(`${l.cashier}: ${r.cashier}`, `${l.terminal}: ${r.terminal}`);
  if (r.authorizedBy) b.row(`${l.authorizedBy}:`, r.authorizedBy);
  b.row(`${l.time}:`, formatLocalTime(r.time, r.utcOffsetMinutes));
  b.push({ op: 'separator', char: '-' });
}

function addLines(b: LayoutBuilder, r: Receipt, l: ReceiptLabels): void {
  // A refund of an amount (not of items) has no lines: the total says what went back.
  if (r.lines.length === 0) return;
  for (const line of r.lines) {
    const gross = line.lineTotalFen + line.discountFen;
    const detail = `${line.qty} x ${formatFen(line.unitPriceFen)}`;
    const amount = formatFen(gross);
    const name = sanitizeText(line.name).trim();
    const oneRowRight = `${detail}  ${amount}`;
    if (textWidth(name) + 2 + textWidth(oneRowRight) <= b.columns) {
      b.row(name, oneRowRight);
    } else {
      b.text(name);
      b.row(`  ${detail}`, amount);
    }
    if (line.discountFen > 0) b.row(`  ${l.discount}`, formatFen(-line.discountFen));
  }
  b.push({ op: 'separator', char: '-' });
}

function addTotals(b: LayoutBuilder, r: Receipt, l: ReceiptLabels, isRefund: boolean): void {
  if (!isRefund || r.lines.length > 0) b.row(l.subtotal, formatFen(r.totals.subtotalFen));
  if (r.totals.discountFen > 0) b.row(l.totalDiscount, formatFen(-r.totals.discountFen));
  b.row(isRefund ? l.refundTotal : l.total, formatFen(r.totals.totalFen), { bold: true, size: 'tall' });
  b.push({ op: 'separator', char: '-' });
}

function addTender(b: LayoutBuilder, t: Tender, l: ReceiptLabels, r: Receipt, isRefund: boolean): void {
  if (t.kind === 'cash') {
    b.row(isRefund ? l.cashRefund : l.cash, formatFen(t.amountFen));
    if (!isRefund) {
      b.row(`  ${l.given}`, formatFen(t.givenFen));
      b.row(`  ${l.change}`, formatFen(t.changeFen));
    }
    return;
  }
  const name = channelName(t.channel, r.locale);
  b.row(isRefund ? `${l.refundTo} ${name}` : name, formatFen(t.amountFen));
  b.row(`  ${l.paymentCode}`, t.maskedCode);
  if (t.channelTxnId !== '') b.row(`  ${l.txn}`, t.channelTxnId);
  if (isRefund && t.channelRefundId) b.row(`  ${l.channelRefundId}`, t.channelRefundId);
}

/** Lays out a validated receipt (see `parseReceipt`). */
export function layoutReceipt(r: Receipt): ReceiptLayout {
  const columns = PAPER_COLUMNS[r.paperWidth];
  const l = LABELS[r.locale];
  const isRefund = isRefundReceipt(r);
  const b = new LayoutBuilder(columns);
  // No drawer kick here: the drawer opens when the cash moves (electron PrintQueue.pulseDrawer), which a
  // receipt printed later (a refund slip once its code part is back) or never (auto-print off) cannot tell.
  addHeader(b, r, l, isRefund);
  addLines(b, r, l);
  addTotals(b, r, l, isRefund);
  for (const t of r.tenders) addTender(b, t, l, r, isRefund);
  if (r.tenders.length > 0) b.push({ op: 'separator', char: '-' });
  if (isRefund) b.text(l.refundFooter, { align: 'center' });
  if (r.footer.trim() !== '') b.text(r.footer, { align: 'center' });
  if (r.qr) {
    b.push({ op: 'feed', lines: 1 });
    b.push({ op: 'qr', payload: r.qr.payload, moduleSize: r.paperWidth === 58 ? 4 : 6, ecc: 'M' });
    if (r.qr.caption) b.text(r.qr.caption, { align: 'center' });
  }
  b.push({ op: 'feed', lines: 3 });
  b.push({ op: 'cut' });
  return { paperWidth: r.paperWidth, columns, ops: b.ops };
}

/** The printed line for a text op, padded to the line width of its size (used by the preview). */
export function renderTextLine(op: { text: string; align: Align; size: TextSize }, columns: number): string {
  return padToWidth(op.text, columnsFor(columns, op.size), op.align);
}
