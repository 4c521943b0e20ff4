import { type Db } from '../../db/open';
import { getRefund, listParts, listRefundsForSale, type PartRow, type RefundRow } from '../../payments/engine/refunds-repo';
import { PosError } from '../../../shared/api/result';
import { type Receipt, type Tender } from '../../../shared/receipt/model';
import { type SaleView } from '../../../shared/sales/views';
import { type Settings } from '../../../shared/settings';
import { codeTender, mustParse, receiptTxnId } from './receipts';

/**
 * A completed refund → the refund receipt: its own number, the original sale, what went back through
 * which tender (channel, masked code, the channel's transaction and refund ids), who did it and which
 * manager authorised it. Read straight from the refund tables: the channel refund id is not in the views.
 */

export type RefundSource = { refund: RefundRow; parts: PartRow[]; sale: SaleView; refundNo: string };

/** `<sale number>-R<n>`: the n-th refund (not void) of that sale, in the order they were requested. */
export function refundNumber(db: Db, refund: RefundRow, saleNo: string): string {
  const n = listRefundsForSale(db, refund.sale_id).filter((r) => r.purpose === 'refund').findIndex((r) => r.id === refund.id) + 1;
  const suffix = `-R${Math.max(1, n)}`;
  return `${saleNo.slice(0, 64 - suffix.length)}${suffix}`;
}

export function loadRefund(db: Db, refundId: string, getSale: (saleId: string) => SaleView): RefundSource {
  const refund = getRefund(db, refundId);
  if (!refund) throw new PosError('NOT_FOUND', 'no such refund');
  const sale = getSale(refund.sale_id);
  return { refund, parts: listParts(db, refund.id), sale, refundNo: refundNumber(db, refund, sale.receiptNo) };
}

/**
 * Every part back with the customer, and the parts cover the refund: a refund's parts are written one by
 * one (cash ones landing at once), so inside that transaction the parts so far may all have succeeded
 * while more are still to come.
 */
const allBack = (refund: RefundRow, parts: readonly PartRow[]): boolean =>
  parts.length > 0 && parts.every((p) => p.state === 'succeeded') && parts.reduce((sum, p) => sum + p.amount_fen, 0) === refund.amount_fen;

/** A refund (not a void) whose money is all back with the customer: the one kind that has a receipt. */
export function refundComplete(db: Db, refundId: string): boolean {
  const refund = getRefund(db, refundId);
  return refund?.purpose === 'refund' && allBack(refund, listParts(db, refundId));
}

/**
 * Only a refund of a paid sale whose every part is back with the customer has a receipt. A void gives back
 * part payments of a sale that never completed: the voided sale has no receipt, and neither has that.
 */
export function refundReceiptProblem(src: RefundSource): string | null {
  if (src.refund.purpose !== 'refund') return 'a void has no refund receipt';
  if (!allBack(src.refund, src.parts)) return `refund ${src.refundNo} is not complete: its receipt prints once every part is back`;
  return null;
}

function partTender(part: PartRow, sale: SaleView): Tender {
  const t = sale.tenders.find((x) => x.id === part.tender_id);
  if (part.kind === 'cash' || !t) return { kind: 'cash', amountFen: part.amount_fen, givenFen: part.amount_fen, changeFen: 0 };
  const refundId = receiptTxnId(part.channel_refund_id);
  return { ...codeTender(t, part.amount_fen), ...(refundId === '' ? {} : { channelRefundId: refundId }) };
}

/** The refund's receipt; `copyNumber` makes it a marked copy. Names come from `userName(userId)`. */
export function refundReceipt(src: RefundSource, settings: Settings, userName: (id: string) => string, copyNumber?: number): Receipt {
  const problem = refundReceiptProblem(src);
  if (problem !== null) throw new PosError('INVALID_STATE', problem);
  const { refund, parts, sale } = src;
  // A refund of the whole sale at once gives back its items (no refund exceeds what was paid, so the
  // sale's total in one refund is all of it); any other refund is an amount.
  const whole = refund.amount_fen === sale.totalFen && sale.lines.length > 0;
  const when = parts.map((p) => p.updated_at).sort().at(-1) ?? refund.created_at;
  const name = (id: string): string => (userName(id).trim() || id).slice(0, 32);
  return mustParse({
    kind: copyNumber === undefined ? 'refund' : 'copy',
    ...(copyNumber === undefined ? {} : { copyOf: 'refund' as const, copyNumber }),
    paperWidth: settings.devices.paperWidth,
    locale: settings.ui.locale,
    store: { name: settings.store.name, address: settings.store.address },
    saleNo: src.refundNo,
    originalSaleNo: sale.receiptNo,
    ...(refund.reason?.trim() ? { refundReason: refund.reason.trim().slice(0, 64) } : {}),
    cashier: name(refund.requested_by),
    authorizedBy: name(refund.authorized_by),
    // Its number is the sale's (…-R<n>): the till the sale was rung up on, not the id this till has now.
    terminal: sale.terminalId,
    time: when,
    lines: whole ? sale.lines.map((l) => ({ name: l.name.trim() || '-', qty: l.quantity, unitPriceFen: l.unitPriceFen, lineTotalFen: l.totalFen, discountFen: l.discountFen })) : [],
    totals: whole
      ? { subtotalFen: sale.subtotalFen, discountFen: sale.discountFen, totalFen: sale.totalFen }
      : { subtotalFen: refund.amount_fen, discountFen: 0, totalFen: refund.amount_fen },
    tenders: parts.map((p) => partTender(p, sale)),
    training: sale.training,
  });
}
