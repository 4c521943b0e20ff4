import { z } from 'zod';
import { MAX_SALE_TENDERS } from '../sales/money';

/**
 * The one receipt model: every printed or previewed receipt (sale, refund, reprint) is an instance of it.
 * Money is integer fen; quantities are whole units; payment codes only ever appear masked.
 * The host builds it from the sale record; `layoutReceipt` turns it into layout ops for ESC/POS and preview.
 */

const fen = z.number().int().safe();
const nonNegativeFen = fen.nonnegative();
const shortText = (max: number) => z.string().max(max);
const requiredText = (max: number) => z.string().trim().min(1).max(max);
const txnId = shortText(64).regex(/^[0-9A-Za-z_-]*$/, 'transaction number: letters, digits, _ and -');

export const paperWidthSchema = z.union([z.literal(58), z.literal(80)]);
export type PaperWidth = z.infer<typeof paperWidthSchema>;

/** Font A columns per line for each paper width. */
export const PAPER_COLUMNS: Record<PaperWidth, number> = { 58: 32, 80: 48 };

export const receiptKindSchema = z.enum(['sale', 'refund', 'copy']);
export type ReceiptKind = z.infer<typeof receiptKindSchema>;

/**
 * A masked payment code: a few leading/trailing digits around asterisks (e.g. `1350****5678`). The schema
 * refuses anything that could be a full, chargeable code.
 */
export const maskedCodeSchema = z
  .string()
  .regex(/^\d{0,6}\*{4,}\d{0,4}$/, 'masked payment code: up to 6 digits, at least 4 *, up to 4 digits');

export const receiptLineSchema = z.strictObject({
  name: requiredText(64),
  qty: z.number().int().positive().max(99_999),
  unitPriceFen: nonNegativeFen,
  /** qty × unit price − discount, as charged. */
  lineTotalFen: fen,
  discountFen: nonNegativeFen.default(0),
});
export type ReceiptLine = z.infer<typeof receiptLineSchema>;

export const cashTenderSchema = z.strictObject({
  kind: z.literal('cash'),
  /** The part of the total settled in cash (for a refund: cash handed back). */
  amountFen: nonNegativeFen,
  givenFen: nonNegativeFen,
  changeFen: nonNegativeFen,
});

export const codeTenderSchema = z.strictObject({
  kind: z.literal('code'),
  /** Channel id, e.g. `wechat`, `alipay`, `unionpay`; known ids are printed with their Chinese name. */
  channel: requiredText(32),
  amountFen: nonNegativeFen,
  maskedCode: maskedCodeSchema,
  /** The channel's transaction number (WeChat `transaction_id`, Alipay `trade_no`). */
  channelTxnId: txnId,
  /** Refunds only: the channel's refund number for this part (WeChat `refund_id`), when the channel gave one. */
  channelRefundId: txnId.optional(),
});

export const tenderSchema = z.discriminatedUnion('kind', [cashTenderSchema, codeTenderSchema]);
export type Tender = z.infer<typeof tenderSchema>;

export const receiptSchema = z
  .strictObject({
    kind: receiptKindSchema,
    paperWidth: paperWidthSchema,
    locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
    store: z.strictObject({ name: requiredText(64), address: shortText(128).default('') }),
    /** The receipt's own number: the sale number, or for a refund the refund number. */
    // A receipt number is `<terminal id, up to 32>-yyyymmdd-nnnn`: up to 46 characters, printed whole.
    saleNo: requiredText(64),
    /** For refunds: the sale being refunded. */
    originalSaleNo: shortText(64).optional(),
    refundReason: shortText(64).optional(),
    cashier: requiredText(32),
    /** For refunds: the manager who authorised it. */
    authorizedBy: shortText(32).optional(),
    terminal: requiredText(32),
    /** When the sale (or refund) happened, ISO 8601 with offset; printed in the store's time zone. */
    time: z.iso.datetime({ offset: true }),
    /** Store time zone as minutes east of UTC (China: +480, no DST). */
    utcOffsetMinutes: z.number().int().min(-720).max(840).default(480),
    lines: z.array(receiptLineSchema).max(500),
    totals: z.strictObject({ subtotalFen: fen, discountFen: nonNegativeFen, totalFen: fen }),
    // As many as a sale takes (and a refund's parts: one per tender it goes back through).
    tenders: z.array(tenderSchema).max(MAX_SALE_TENDERS),
    footer: shortText(400).default(''),
    /** QR at the bottom: e-receipt URL or sale reference. */
    qr: z.strictObject({ payload: z.string().min(1).max(300), caption: shortText(32).optional() }).optional(),
    /** For kind 'copy': what is being reprinted. */
    copyOf: z.enum(['sale', 'refund']).default('sale'),
    /** For kind 'copy': how many times this receipt has been printed before. */
    copyNumber: z.number().int().min(1).max(1_000_000).optional(),
    /** Made in training mode: marked at the top, so it can never pass for a real receipt. */
    training: z.boolean().default(false),
  })
  .superRefine((r, ctx) => {
    const isRefund = r.kind === 'refund' || (r.kind === 'copy' && r.copyOf === 'refund');
    if (isRefund && !r.originalSaleNo) {
      ctx.addIssue({ code: 'custom', path: ['originalSaleNo'], message: 'a refund receipt names the original sale' });
    }
    if (isRefund && !r.authorizedBy?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['authorizedBy'], message: 'a refund receipt names the manager who authorised it' });
    }
  });

export type Receipt = z.infer<typeof receiptSchema>;
/** What callers pass in (defaults not yet applied). */
export type ReceiptInput = z.input<typeof receiptSchema>;

export type ReceiptParseResult = { ok: true; receipt: Receipt } | { ok: false; error: string };

/** Parses untrusted receipt data into a typed error instead of throwing. */
export function parseReceipt(input: unknown): ReceiptParseResult {
  const parsed = receiptSchema.safeParse(input);
  if (parsed.success) return { ok: true, receipt: parsed.data };
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, error: `invalid receipt: ${issues.join('; ')}` };
}

/** Masks a payment code for printing: first 4 and last 4 digits kept when the code is long enough. */
export function maskPaymentCode(code: string): string {
  const digits = code.replace(/\D/g, '');
  if (digits.length <= 8) return '*'.repeat(Math.max(4, digits.length));
  return `${digits.slice(0, 4)}${'*'.repeat(Math.max(4, digits.length - 8))}${digits.slice(-4)}`;
}
