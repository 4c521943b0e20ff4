import { z } from 'zod';
import { method } from './define';
import { fenSchema, idSchema, pinSchema } from './common';
import { refundViewSchema, saleStatusSchema, saleViewSchema } from '../sales/views';
import { MAX_LINE_FEN, MAX_QUANTITY } from '../sales/money';
import { dailyTotalsSchema } from '../sync/protocol';

/** A manager's approval typed at a cashier's till; not needed when a manager is logged in. */
export const authorizeSchema = z.strictObject({ userId: idSchema, pin: pinSchema });

const lineDiscountSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('amount'), fen: fenSchema.min(0).max(MAX_LINE_FEN) }),
  z.strictObject({ kind: z.literal('percent'), basisPoints: z.number().int().min(0).max(10_000) }),
]);

export const saleMethods = {
  /** Starts a new sale with the next receipt number of this terminal and day. */
  'sale.open': method('cashier', z.strictObject({}).default({}), saleViewSchema),
  'sale.addLine': method(
    'cashier',
    z.strictObject({
      saleId: idSchema,
      /** product: a catalog item; amount: a free amount keyed by the cashier. */
      kind: z.enum(['product', 'amount']).default('product'),
      sku: z.string().trim().min(1).max(64).optional(),
      name: z.string().trim().min(1).max(64).optional(),
      quantity: z.number().int().min(1).max(MAX_QUANTITY).default(1),
      unitPriceFen: fenSchema.min(0).max(MAX_LINE_FEN),
      discount: lineDiscountSchema.optional(),
    }),
    saleViewSchema,
  ),
  'sale.removeLine': method('cashier', z.strictObject({ saleId: idSchema, lineId: idSchema }), saleViewSchema),
  'sale.get': method('cashier', z.strictObject({ saleId: idSchema }), saleViewSchema),
  /** A sale of any day by its receipt number (as printed; a refund slip's `-R<n>` is ignored): NOT_FOUND if none. */
  'sale.find': method('cashier', z.strictObject({ receiptNo: z.string().trim().min(1).max(70) }), saleViewSchema),
  /**
   * The day's totals of this till (manager): sales, refunds and voids, net, by tender, and training apart,
   * computed from the till's own HQ records exactly as HQ computes them (shared/sync/totals.ts). `date`: a
   * business day (China time), default today. Records are kept `retentionDays` after HQ has them.
   */
  'report.day': method('manager', z.strictObject({ date: z.iso.date().optional() }).default({}), dailyTotalsSchema),
  /**
   * Today's sales on this terminal, newest first, a page at a time: `before` (the last sale of the page
   * before: its createdAt and id) asks for the next one. A page shorter than `limit` is the last.
   */
  'sale.list': method(
    'cashier',
    z
      .strictObject({
        status: saleStatusSchema.optional(),
        limit: z.number().int().min(1).max(500).default(200),
        before: z.strictObject({ createdAt: z.iso.datetime(), id: idSchema }).optional(),
      })
      .default({ limit: 200 }),
    z.array(saleViewSchema),
  ),
  /** Cash handed over: settles what is due (change computed) or, when less, part of it (mixed payment). */
  'sale.tenderCash': method(
    'cashier',
    z.strictObject({ saleId: idSchema, givenFen: fenSchema.positive().max(MAX_LINE_FEN), amountFen: fenSchema.positive().max(MAX_LINE_FEN).optional() }),
    saleViewSchema,
  ),
  /** Completes a sale with nothing to pay (its total is 0 fen: free or fully discounted items): no tender. */
  'sale.complete': method('cashier', z.strictObject({ saleId: idSchema }), saleViewSchema),
  /** Cancels an unpaid sale (open, or partly paid: what was paid goes back). Needs a manager. */
  'sale.void': method('cashier', z.strictObject({ saleId: idSchema, reason: z.string().trim().max(200).optional(), authorize: authorizeSchema.optional() }), saleViewSchema),
  /**
   * Gives money back for a paid sale, through the tenders it was paid with (newest first). `requestId`
   * makes the call idempotent: the same id never refunds twice, and a retry gets the refund it made; the
   * same id for another sale or another amount is refused with CONFLICT. Needs a manager.
   */
  'refund.request': method(
    'cashier',
    z.strictObject({
      saleId: idSchema,
      /** Default: everything still refundable. */
      amountFen: fenSchema.positive().max(MAX_LINE_FEN).optional(),
      reason: z.string().trim().max(200).optional(),
      requestId: idSchema.optional(),
      authorize: authorizeSchema.optional(),
    }),
    refundViewSchema,
  ),
  'refund.get': method('cashier', z.strictObject({ refundId: idSchema }), refundViewSchema),
  /** Sends a failed refund again with the same refund numbers (the channel refunds each number once). */
  'refund.retry': method('cashier', z.strictObject({ refundId: idSchema, authorize: authorizeSchema.optional() }), refundViewSchema),
  'refund.list': method('cashier', z.strictObject({ saleId: idSchema }), z.array(refundViewSchema)),
} as const;
