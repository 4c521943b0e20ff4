import { stmt } from '../db/stmt';
import { type Db } from '../db/open';
import { type SaleStatus } from '../../shared/sales/views';
import { STORE_UTC_OFFSET_MINUTES } from '../../shared/sales/money';
import { SALES_ENDED_LATE_WHERE } from '../db/migrations/0012_sales_ended_late_index';
import { REFUND_PARTS_UNFINISHED_WHERE } from '../db/migrations/0014_refund_parts_unfinished_index';

/** Sales, lines, tenders and receipt counters. Functions of (db, ...); callers own the transaction. */

export type SaleRow = {
  id: string;
  terminal_id: string;
  store_id: string;
  business_date: string;
  receipt_seq: number;
  receipt_no: string;
  cashier_id: string;
  status: SaleStatus;
  subtotal_fen: number;
  discount_fen: number;
  total_fen: number;
  paid_fen: number;
  refunded_fen: number;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  voided_at: string | null;
  void_reason: string | null;
  /** 1: made in training mode (payments to the sandbox): never real money. */
  training: 0 | 1;
};

export type LineRow = {
  id: string;
  sale_id: string;
  seq: number;
  kind: 'product' | 'amount';
  sku: string | null;
  name: string;
  quantity: number;
  unit_price_fen: number;
  gross_fen: number;
  discount_fen: number;
  total_fen: number;
  created_at: string;
};

export type TenderRow = {
  id: string;
  sale_id: string;
  kind: 'cash' | 'code';
  amount_fen: number;
  given_fen: number | null;
  change_fen: number | null;
  attempt_id: string | null;
  refunded_fen: number;
  created_at: string;
};

/** Next receipt sequence of a terminal's business day (1, 2, 3, ...). */
export function nextReceiptSeq(db: Db, terminalId: string, date: string): number {
  const row = stmt(db, 
      `INSERT INTO receipt_counters (terminal_id, business_date, last_no) VALUES (?, ?, 1)
       ON CONFLICT (terminal_id, business_date) DO UPDATE SET last_no = last_no + 1 RETURNING last_no`,
    )
    .get(terminalId, date) as { last_no: number };
  return row.last_no;
}

export const receiptNo = (terminalId: string, date: string, seq: number): string => `${terminalId}-${date.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`;

export function insertSale(db: Db, row: Omit<SaleRow, 'paid_fen' | 'refunded_fen' | 'completed_at' | 'voided_at' | 'void_reason'>): void {
  stmt(db, 
    `INSERT INTO sales (id, terminal_id, store_id, business_date, receipt_seq, receipt_no, cashier_id, status, subtotal_fen, discount_fen, total_fen, created_at, updated_at, training)
     VALUES (@id, @terminal_id, @store_id, @business_date, @receipt_seq, @receipt_no, @cashier_id, @status, @subtotal_fen, @discount_fen, @total_fen, @created_at, @updated_at, @training)`,
  ).run(row);
}

export const getSale = (db: Db, id: string): SaleRow | undefined => stmt(db, 'SELECT * FROM sales WHERE id = ?').get(id) as SaleRow | undefined;

/** By receipt number (unique, indexed). */
export const findSaleByReceiptNo = (db: Db, receiptNo: string): SaleRow | undefined =>
  stmt(db, 'SELECT * FROM sales WHERE receipt_no = ?').get(receiptNo) as SaleRow | undefined;

/** The same in any letter case (a scan of the table: only for numbers the exact spellings did not find). */
export const findSaleByReceiptNoAnyCase = (db: Db, receiptNo: string): SaleRow | undefined =>
  stmt(db, 'SELECT * FROM sales WHERE receipt_no = ? COLLATE NOCASE ORDER BY created_at DESC LIMIT 1').get(receiptNo) as SaleRow | undefined;

/** Where a page of the sales list starts: just past this sale (the last one of the page before). */
export type SalePageCursor = { createdAt: string; id: string };

/**
 * The day's sales, newest first, and with them any sale of an earlier day still unfinished: money moving on it
 * (`paying`) or in `alsoIds` (a sale a power-loss check holds); and a sale of an earlier day that ended
 * today (opened before midnight, paid or voided after it; over several midnights, e.g. a payment unresolved
 * through an offline weekend). A sale open across midnight is never lost from
 * the till's list, before or after it ends. `dayStartIso`: the start of `date` in the store's time, as stored.
 * `before`: the next page, after the last sale of the page before (newest first: opened earlier, then id).
 */
/**
 * Voided sales whose give-back has not all landed (a code part failed or still on its way): money is owed
 * on them, so they stay on the till's list every day until it is (a voided sale has no receipt to find it by).
 */
export const voidedSalesOwingGiveBack = (db: Db): string[] =>
  // The unfinished parts first, on their partial index (migration 0014): never every refund ever made.
  stmt(db, `SELECT DISTINCT r.sale_id FROM refund_parts p JOIN refunds r ON r.id = p.refund_id WHERE p.${REFUND_PARTS_UNFINISHED_WHERE} AND r.purpose = 'void'`).pluck().all() as string[];

export function listSales(db: Db, date: string, status: SaleStatus | undefined, limit: number, alsoIds: readonly string[] = [], before?: SalePageCursor): SaleRow[] {
  const dayStartMs = Date.parse(`${date}T00:00:00.000Z`) - STORE_UTC_OFFSET_MINUTES * 60_000;
  const dayBefore = new Date(Date.parse(`${date}T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
  // Five parts, each on an index (sales_by_day, sales_paying, the primary key, sales_by_day, sales_ended_late):
  // an OR across them would read every sale ever made. `@status` NULL means any status.
  const rows = stmt(
    db,
    `SELECT * FROM (
       SELECT * FROM sales WHERE business_date = @date AND (@status IS NULL OR status = @status)
       UNION ALL
       SELECT * FROM sales WHERE business_date < @date AND status = 'paying' AND (@status IS NULL OR @status = 'paying')
       UNION ALL
       SELECT * FROM sales WHERE id IN (SELECT value FROM json_each(@also)) AND business_date < @date AND status <> 'paying' AND (@status IS NULL OR status = @status)
       UNION ALL
       SELECT * FROM sales WHERE business_date = @dayBefore AND status <> 'paying' AND (completed_at >= @dayStart OR voided_at >= @dayStart)
         AND id NOT IN (SELECT value FROM json_each(@also)) AND (@status IS NULL OR status = @status)
       UNION ALL
       SELECT * FROM sales WHERE ${SALES_ENDED_LATE_WHERE} AND coalesce(completed_at, voided_at) >= @dayStart AND business_date < @dayBefore
         AND status <> 'paying' AND id NOT IN (SELECT value FROM json_each(@also)) AND (@status IS NULL OR status = @status)
     ) WHERE @beforeAt IS NULL OR created_at < @beforeAt OR (created_at = @beforeAt AND id < @beforeId)
     ORDER BY created_at DESC, id DESC LIMIT @limit`,
  ).all({
    date,
    dayBefore,
    dayStart: new Date(dayStartMs).toISOString(),
    status: status ?? null,
    also: JSON.stringify(alsoIds),
    limit,
    beforeAt: before?.createdAt ?? null,
    beforeId: before?.id ?? null,
  });
  return rows as SaleRow[];
}

export function updateSale(db: Db, id: string, patch: Partial<Omit<SaleRow, 'id'>>, at: string): void {
  const fields = Object.keys(patch).filter((k) => k !== 'updated_at');
  const sets = [...fields.map((k) => `${k} = @${k}`), 'updated_at = @updated_at'].join(', ');
  // Column names come from the SaleRow type, never from input; values are bound.
  stmt(db, `UPDATE sales SET ${sets} WHERE id = @id`).run({ ...patch, updated_at: at, id });
}

export const listLines = (db: Db, saleId: string): LineRow[] => stmt(db, 'SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY seq').all(saleId) as LineRow[];

export function insertLine(db: Db, row: Omit<LineRow, 'seq'>): void {
  const seq = (stmt(db, 'SELECT coalesce(max(seq), 0) + 1 AS n FROM sale_lines WHERE sale_id = ?').get(row.sale_id) as { n: number }).n;
  stmt(db, 
    `INSERT INTO sale_lines (id, sale_id, seq, kind, sku, name, quantity, unit_price_fen, gross_fen, discount_fen, total_fen, created_at)
     VALUES (@id, @sale_id, @seq, @kind, @sku, @name, @quantity, @unit_price_fen, @gross_fen, @discount_fen, @total_fen, @created_at)`,
  ).run({ ...row, seq });
}

export const deleteLine = (db: Db, saleId: string, lineId: string): boolean => stmt(db, 'DELETE FROM sale_lines WHERE id = ? AND sale_id = ?').run(lineId, saleId).changes === 1;

export const countLines = (db: Db, saleId: string): number => (stmt(db, 'SELECT count(*) AS n FROM sale_lines WHERE sale_id = ?').get(saleId) as { n: number }).n;
export const countTenders = (db: Db, saleId: string): number => (stmt(db, 'SELECT count(*) AS n FROM tenders WHERE sale_id = ?').get(saleId) as { n: number }).n;
export const listTenders = (db: Db, saleId: string): TenderRow[] => stmt(db, 'SELECT * FROM tenders WHERE sale_id = ? ORDER BY rowid').all(saleId) as TenderRow[];
export const getTender = (db: Db, id: string): TenderRow | undefined => stmt(db, 'SELECT * FROM tenders WHERE id = ?').get(id) as TenderRow | undefined;

export function insertTender(db: Db, row: Omit<TenderRow, 'refunded_fen'>): void {
  stmt(db, 
    `INSERT INTO tenders (id, sale_id, kind, amount_fen, given_fen, change_fen, attempt_id, created_at)
     VALUES (@id, @sale_id, @kind, @amount_fen, @given_fen, @change_fen, @attempt_id, @created_at)`,
  ).run(row);
}

export function addTenderRefunded(db: Db, tenderId: string, amountFen: number): void {
  stmt(db, 'UPDATE tenders SET refunded_fen = refunded_fen + ? WHERE id = ?').run(amountFen, tenderId);
}
