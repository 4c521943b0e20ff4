import { z } from 'zod';
import { fenSchema, idSchema } from '../api/common';
import { MAX_FEN } from '../payments/amount';
import { MAX_SALE_TENDERS } from '../sales/money';

/**
 * The outbox entry: one record (sale, refund, void, shift close, cash movement) as the terminal uploads it
 * to HQ. Entries are immutable once enqueued; HQ stores each one exactly once, keyed by
 * (terminalId, idempotencyKey). Every entry carries `schemaVersion` so HQ can refuse, rather than
 * misread, an entry from a newer terminal.
 */
export const SYNC_SCHEMA_VERSION = 1;

/** Terminal and store codes, the same shape as the settings' `store.id` / `terminal.id`. */
export const terminalIdSchema = z.string().min(1).max(32).regex(/^[0-9A-Za-z_-]+$/, 'terminalId: letters, digits, _ and - only');
export const storeIdSchema = z.string().min(1).max(32).regex(/^[0-9A-Za-z_-]+$/, 'storeId: letters, digits, _ and - only');
/** The record's own id (UUIDv7 / ULID generated on the terminal). Never reused. */
export const idempotencyKeySchema = idSchema;
/** Per-terminal upload sequence, 1, 2, 3, ... assigned when the entry is enqueued. */
export const seqSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const businessDateSchema = z.iso.date();
export const createdAtSchema = z.iso.datetime({ offset: true });

export const ENTRY_KINDS = ['sale', 'refund', 'void', 'shift_close', 'cash_movement'] as const;
export const entryKindSchema = z.enum(ENTRY_KINDS);
export type EntryKind = z.infer<typeof entryKindSchema>;

/** Payment channel code for a 'code' tender: wechat, alipay, unionpay, aggregator, ... (lowercase). */
export const channelSchema = z.string().min(1).max(32).regex(/^[a-z][a-z0-9_-]*$/, 'channel: lowercase letters, digits, _ and -');

/**
 * One tender of a sale, refund or void. `amountFen` is the amount applied to this record (for cash: what
 * the sale kept, not what the customer handed over; change is not a tender).
 */
export const tenderSchema = z.strictObject({
  kind: z.enum(['cash', 'code']),
  channel: channelSchema.optional(),
  amountFen: fenSchema.positive().max(MAX_FEN),
});
export type Tender = z.infer<typeof tenderSchema>;

const tendersSchema = z.array(tenderSchema).min(1).max(MAX_SALE_TENDERS);

/** A sale line. Only `amountFen` (the line total, negative for a discount line) is required by HQ. */
export const saleLineSchema = z.looseObject({
  name: z.string().max(128).optional(),
  sku: z.string().max(64).optional(),
  quantity: z.number().finite().optional(),
  unitPriceFen: fenSchema.optional(),
  amountFen: fenSchema,
});

/**
 * Set on every record made in training mode (payments to a sandbox): practice, never real money. HQ keeps
 * such records out of every total and counts them apart. Absent means a real record (older terminals too).
 */
const trainingField = { training: z.boolean().optional() };

const sumFen = (tenders: readonly Tender[]): number => tenders.reduce((sum, t) => sum + t.amountFen, 0);

function tendersMustCover(total: number, tenders: readonly Tender[], ctx: z.RefinementCtx, field: string): void {
  const sum = sumFen(tenders);
  if (sum !== total) {
    ctx.addIssue({ code: 'custom', path: ['tenders'], message: `tenders sum to ${sum} fen but ${field} is ${total} fen` });
  }
}

/**
 * A sale, snapshot when it ends: 'completed' (paid in full) or 'voided' (cancelled before completion, as
 * the terminal does; it is stored for the record but counted in no total). A completed sale is undone by
 * refunds; the 'void' entry (reversing a completed sale as a whole) is for back offices that allow it.
 */
export const salePayloadSchema = z
  .looseObject({
    // No till sells more in one sale (shared/payments/amount.ts): a day's sum stays an exact integer.
    totalFen: fenSchema.min(0).max(MAX_FEN),
    lines: z.array(saleLineSchema).max(1000),
    // A voided sale may have no tenders (nothing was paid, or what was paid went back to the customer).
    tenders: z.array(tenderSchema).max(MAX_SALE_TENDERS),
    status: z.enum(['completed', 'voided']),
    ...trainingField,
  })
  .superRefine((p, ctx) => {
    if (p.status === 'voided') return;
    if (p.lines.length === 0) ctx.addIssue({ code: 'custom', path: ['lines'], message: 'a completed sale has at least one line' });
    // Only a sale with nothing to pay (free or fully discounted items) is completed without a tender.
    if (p.tenders.length === 0 && p.totalFen !== 0) ctx.addIssue({ code: 'custom', path: ['tenders'], message: 'a completed sale with a total has at least one tender' });
    tendersMustCover(p.totalFen, p.tenders, ctx, 'totalFen');
  });

/** Money given back for (part of) a sale, per tender it went back through. */
export const refundPayloadSchema = z
  .looseObject({
    saleId: idSchema,
    amountFen: fenSchema.positive().max(MAX_FEN),
    tenders: tendersSchema,
    ...trainingField,
  })
  .superRefine((p, ctx) => tendersMustCover(p.amountFen, p.tenders, ctx, 'amountFen'));

/** A completed sale cancelled as a whole (same day, manager-approved); reverses that sale in totals. */
export const voidPayloadSchema = refundPayloadSchema;

export const shiftClosePayloadSchema = z.looseObject({
  shiftId: idSchema,
  closedAt: createdAtSchema.optional(),
  expectedCashFen: fenSchema.optional(),
  countedCashFen: fenSchema.optional(),
  ...trainingField,
});

export const cashMovementPayloadSchema = z.looseObject({
  direction: z.enum(['in', 'out']),
  amountFen: fenSchema.positive(),
  reason: z.string().max(256).optional(),
  ...trainingField,
});

const entryBase = {
  schemaVersion: z.literal(SYNC_SCHEMA_VERSION),
  terminalId: terminalIdSchema,
  storeId: storeIdSchema,
  seq: seqSchema,
  idempotencyKey: idempotencyKeySchema,
  createdAt: createdAtSchema,
  businessDate: businessDateSchema,
};

export const outboxEntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...entryBase, kind: z.literal('sale'), payload: salePayloadSchema }),
  z.strictObject({ ...entryBase, kind: z.literal('refund'), payload: refundPayloadSchema }),
  z.strictObject({ ...entryBase, kind: z.literal('void'), payload: voidPayloadSchema }),
  z.strictObject({ ...entryBase, kind: z.literal('shift_close'), payload: shiftClosePayloadSchema }),
  z.strictObject({ ...entryBase, kind: z.literal('cash_movement'), payload: cashMovementPayloadSchema }),
]);
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;
export type SaleEntry = Extract<OutboxEntry, { kind: 'sale' }>;
