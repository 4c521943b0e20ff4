import { type Db } from '../db/open';
import { type Clock, isoAt } from '../clock';
import { type EventBus } from '../events';
import { type RecordBus } from '../services/records';
import { appendAudit } from '../services/audit';
import { uuidv7 } from '../ids';
import { PosError } from '../../shared/api/result';
import { LINE_LIMIT_MESSAGE, type LineDiscount, MAX_SALE_LINES, SaleMathError, TENDER_LIMIT_MESSAGE, businessDate, cashTender, lineAmounts, overTenderLimit, saleTotals } from '../../shared/sales/money';
import { type SaleStatus, type SaleView } from '../../shared/sales/views';
import { type Settings } from '../../shared/settings';
import { payingAttemptForSale } from '../payments/engine/attempts';
import { type SalePageCursor, type SaleRow, countLines, countTenders, deleteLine, findSaleByReceiptNo, findSaleByReceiptNoAnyCase, getSale, insertLine, insertSale, insertTender, listLines, listSales, nextReceiptSeq, receiptNo, updateSale, voidedSalesOwingGiveBack } from './repo';
import { settleSale } from './settle';
import { UNCERTAIN_MESSAGE } from '../payments/engine/power-loss';
import { dueFen, saleView } from './view';

export type SalesDeps = {
  db: Db;
  clock: Clock;
  events: EventBus;
  records: RecordBus;
  settings: () => Settings;
  /** True while a code payment of the sale may have left unrecorded (checked after an unclean shutdown). */
  paymentUncertain?: (saleId: string) => boolean;
  /** Every sale such a check holds (listed whatever its day). */
  uncertainSaleIds?: () => readonly string[];
  /** Cash went into the drawer (committed): it opens for the change. */
  cashMoved?: (why: string) => void;
};

export type AddLineInput = {
  saleId: string;
  kind: 'product' | 'amount';
  sku?: string;
  name?: string;
  quantity: number;
  unitPriceFen: number;
  discount?: LineDiscount;
};

/** Arithmetic errors become typed API errors. */
function math<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SaleMathError) throw new PosError('AMOUNT_INVALID', e.message);
    throw e;
  }
}

export function requireSale(db: Db, saleId: string): SaleRow {
  const sale = getSale(db, saleId);
  if (!sale) throw new PosError('NOT_FOUND', 'no such sale');
  return sale;
}

/**
 * Lines can change until the sale ends, but never while a code payment may still pay it (its amount was
 * what was due when it started) nor while a power-loss check holds the sale. With part already paid, the
 * total may not drop below it (removeLine).
 */
function requireEditable(db: Db, saleId: string, uncertain: boolean): SaleRow {
  const sale = requireSale(db, saleId);
  if (payingAttemptForSale(db, saleId)) throw new PosError('PAYMENT_PENDING', 'a code payment for this sale is still unresolved');
  if (uncertain) throw new PosError('PAYMENT_PENDING', UNCERTAIN_MESSAGE);
  if (sale.status !== 'open' && sale.status !== 'paying') throw new PosError('INVALID_STATE', `the sale is ${sale.status}: lines can no longer change`);
  return sale;
}

export function createSalesService(deps: SalesDeps) {
  const { db, clock } = deps;
  const at = (): string => isoAt(clock);
  const changed = (sale: SaleRow): void => deps.events.emit('sale.changed', { saleId: sale.id, status: sale.status, dueFen: dueFen(sale) });

  const recomputeTotals = (saleId: string, when: string): void => {
    const totals = saleTotals(listLines(db, saleId).map((l) => ({ grossFen: l.gross_fen, discountFen: l.discount_fen, totalFen: l.total_fen })));
    updateSale(db, saleId, { subtotal_fen: totals.subtotalFen, discount_fen: totals.discountFen, total_fen: totals.totalFen }, when);
  };

  /**
   * The checkout keeps an empty sale ready for the next customer; rung up on a later business day (the
   * first line of the morning on last night's empty sale), it takes that day and its next receipt number,
   * so the sale counts on the day its money came in (reports, HQ) and its receipt shows that day.
   */
  const redateIfStale = (sale: SaleRow, when: string): void => {
    const today = businessDate(clock.now());
    if (sale.business_date === today || sale.paid_fen !== 0 || countTenders(db, sale.id) > 0) return;
    const seq = nextReceiptSeq(db, sale.terminal_id, today);
    updateSale(db, sale.id, { business_date: today, receipt_seq: seq, receipt_no: receiptNo(sale.terminal_id, today, seq), created_at: when }, when);
  };

  return {
    open(cashierId: string): SaleView {
      const now = clock.now();
      const s = deps.settings();
      const date = businessDate(now);
      const id = uuidv7(now);
      db.transaction(() => {
        const seq = nextReceiptSeq(db, s.terminal.id, date);
        insertSale(db, {
          id,
          terminal_id: s.terminal.id,
          store_id: s.store.id,
          business_date: date,
          receipt_seq: seq,
          receipt_no: receiptNo(s.terminal.id, date, seq),
          cashier_id: cashierId,
          status: 'open',
          subtotal_fen: 0,
          discount_fen: 0,
          total_fen: 0,
          created_at: isoAt(clock),
          updated_at: isoAt(clock),
          training: s.terminal.mode === 'sandbox' ? 1 : 0,
        });
      })();
      return saleView(db, id);
    },

    addLine(input: AddLineInput): SaleView {
      const amounts = math(() => lineAmounts(input.unitPriceFen, input.quantity, input.discount));
      if (input.kind === 'amount' && input.unitPriceFen <= 0) throw new PosError('AMOUNT_INVALID', 'a keyed amount must be more than zero');
      const name = input.name ?? (input.kind === 'amount' ? '金额' : input.sku);
      if (!name) throw new PosError('VALIDATION', 'a product line needs a name or a sku');
      const when = at();
      db.transaction(() => {
        const sale = requireEditable(db, input.saleId, deps.paymentUncertain?.(input.saleId) ?? false);
        const lines = countLines(db, input.saleId);
        if (lines >= MAX_SALE_LINES) throw new PosError('INVALID_STATE', LINE_LIMIT_MESSAGE);
        if (lines === 0) redateIfStale(sale, when);
        insertLine(db, {
          id: uuidv7(clock.now()),
          sale_id: input.saleId,
          kind: input.kind,
          sku: input.sku ?? null,
          name,
          quantity: input.quantity,
          unit_price_fen: input.unitPriceFen,
          gross_fen: amounts.grossFen,
          discount_fen: amounts.discountFen,
          total_fen: amounts.totalFen,
          created_at: when,
        });
        math(() => recomputeTotals(input.saleId, when));
      })();
      return saleView(db, input.saleId);
    },

    removeLine(saleId: string, lineId: string): SaleView {
      const when = at();
      const sale = db.transaction(() => {
        const current = requireEditable(db, saleId, deps.paymentUncertain?.(saleId) ?? false);
        const line = listLines(db, saleId).find((l) => l.id === lineId);
        if (!line) throw new PosError('NOT_FOUND', 'no such line on this sale');
        if (current.total_fen - line.total_fen < current.paid_fen) {
          throw new PosError('INVALID_STATE', `without this line the sale comes to ${current.total_fen - line.total_fen} fen, less than the ${current.paid_fen} fen already paid: give money back with a void instead`);
        }
        deleteLine(db, saleId, lineId);
        recomputeTotals(saleId, when);
        const after = requireSale(db, saleId);
        // Part paid and the rest just removed: what was paid covers the sale now, which completes it.
        return after.paid_fen > 0 ? settleSale(db, deps, saleId, when, { sale: after }) : after;
      })();
      changed(sale);
      return saleView(db, saleId);
    },

    get: (saleId: string): SaleView => saleView(db, saleId),

    /**
     * A sale of any day by the number on its receipt: typed as printed (any case, spaces around), or a refund
     * slip's number (`<sale number>-R<n>`), which names its sale.
     */
    find(typed: string): SaleView {
      const wanted = typed.trim();
      // Terminal ids may have lower-case letters: as typed, in capitals (how ids usually are), in small
      // letters, and with this till's own id spelled as it is set.
      const own = deps.settings().terminal.id;
      const spellings = [wanted, wanted.toUpperCase(), wanted.toLowerCase()];
      if (wanted.toLowerCase().startsWith(`${own.toLowerCase()}-`)) spellings.push(own + wanted.slice(own.length));
      const candidates = new Set(spellings.flatMap((n) => [n, n.replace(/-R\d+$/i, '')]));
      for (const no of candidates) {
        const sale = findSaleByReceiptNo(db, no);
        if (sale) return saleView(db, sale);
      }
      // An earlier terminal id of this till spelled in mixed case (`Till-a`), typed otherwise.
      for (const no of new Set([wanted, wanted.replace(/-R\d+$/i, '')])) {
        const sale = findSaleByReceiptNoAnyCase(db, no);
        if (sale) return saleView(db, sale);
      }
      throw new PosError('NOT_FOUND', `no sale with receipt number ${wanted.slice(0, 70)} on this till`);
    },

    list(status: SaleStatus | undefined, limit: number, before?: SalePageCursor): SaleView[] {
      const also = [...(deps.uncertainSaleIds?.() ?? []), ...voidedSalesOwingGiveBack(db)];
      return listSales(db, businessDate(clock.now()), status, limit, also, before).map((s) => saleView(db, s));
    },

    /** Cash over the counter: settles what is due (with change) or part of it (mixed payment). */
    tenderCash(saleId: string, givenFen: number, amountFen: number | undefined, actor: string): SaleView {
      const when = at();
      const sale = db.transaction(() => {
        const current = requireSale(db, saleId);
        // A code payment the cashier cancelled (or one being given back) can never pay the sale: cash may go on.
        if (payingAttemptForSale(db, saleId)) throw new PosError('PAYMENT_PENDING', 'a code payment for this sale is still unresolved: wait for it, or cancel it to take cash');
        if (deps.paymentUncertain?.(saleId)) throw new PosError('PAYMENT_PENDING', UNCERTAIN_MESSAGE);
        if (current.status !== 'open' && current.status !== 'paying') throw new PosError('INVALID_STATE', `the sale is ${current.status}`);
        if (current.total_fen <= 0) throw new PosError('INVALID_STATE', 'the sale has nothing to pay');
        const cash = math(() => cashTender(current.total_fen - current.paid_fen, givenFen, amountFen));
        if (overTenderLimit(countTenders(db, saleId), cash.amountFen, current.total_fen - current.paid_fen)) throw new PosError('INVALID_STATE', TENDER_LIMIT_MESSAGE);
        insertTender(db, { id: uuidv7(clock.now()), sale_id: saleId, kind: 'cash', amount_fen: cash.amountFen, given_fen: givenFen, change_fen: cash.changeFen, attempt_id: null, created_at: when });
        updateSale(db, saleId, { paid_fen: current.paid_fen + cash.amountFen }, when);
        appendAudit(db, when, actor, 'sale.cash', { saleId, amountFen: cash.amountFen, givenFen, changeFen: cash.changeFen });
        return settleSale(db, deps, saleId, when);
      })();
      // The cash goes in and the change comes out now, whatever prints (or not) and whatever else is due;
      // asked before the change event, whose listener starts the receipt, so the drawer opens first.
      deps.cashMoved?.(`cash tendered on ${sale.receipt_no}`);
      changed(sale);
      return saleView(db, saleId);
    },

    /**
     * Completes a sale with nothing to pay: lines whose total is 0 fen (free items, 100% discounts). It is
     * recorded (receipt, HQ, totals) like any paid sale, with no tender. A sale with money due is refused.
     */
    complete(saleId: string, actor: string): SaleView {
      const when = at();
      const sale = db.transaction(() => {
        const current = requireSale(db, saleId);
        if (payingAttemptForSale(db, saleId)) throw new PosError('PAYMENT_PENDING', 'a code payment for this sale is still unresolved');
        if (deps.paymentUncertain?.(saleId)) throw new PosError('PAYMENT_PENDING', UNCERTAIN_MESSAGE);
        // `paying` with nothing paid: only a cancelled attempt still being given back, which never lands here.
        if (current.status !== 'open' && current.status !== 'paying') throw new PosError('INVALID_STATE', `the sale is ${current.status}`);
        if (countLines(db, saleId) === 0) throw new PosError('INVALID_STATE', 'the sale has no lines: add an item first, or start a new sale');
        if (current.total_fen !== 0 || current.paid_fen !== 0) throw new PosError('INVALID_STATE', `${dueFen(current)} fen is still due: take the payment (only a sale with nothing to pay is completed this way)`);
        appendAudit(db, when, actor, 'sale.complete', { saleId, totalFen: 0, lines: countLines(db, saleId) });
        return settleSale(db, deps, saleId, when, { sale: current, attemptActive: false, nothingDue: true });
      })();
      changed(sale);
      return saleView(db, saleId);
    },

    changed,
  };
}

export type SalesService = ReturnType<typeof createSalesService>;
