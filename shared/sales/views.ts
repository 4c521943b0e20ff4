import { z } from 'zod';
import { fenSchema, idSchema } from '../api/common';
import { paymentChannelSchema } from '../payments/channel';

/**
 * What the renderer sees of sales, payment attempts and refunds. Payment codes only ever appear masked;
 * channel keys and code hashes never leave the host.
 */

export const SALE_STATUSES = ['open', 'paying', 'paid', 'voided', 'partly_refunded', 'refunded'] as const;
export const saleStatusSchema = z.enum(SALE_STATUSES);
export type SaleStatus = z.infer<typeof saleStatusSchema>;

/** Gateways the host talks to; `jeepay` is the aggregator (one endpoint, any wallet). */
export const gatewaySchema = z.enum(['wechat', 'alipay', 'unionpay', 'jeepay']);
export type Gateway = z.infer<typeof gatewaySchema>;

export const ATTEMPT_STATES = ['created', 'sent', 'pending', 'succeeded', 'failed', 'reversing', 'reversed'] as const;
export const attemptStateSchema = z.enum(ATTEMPT_STATES);
export type AttemptState = z.infer<typeof attemptStateSchema>;
export const TERMINAL_ATTEMPT_STATES: readonly AttemptState[] = ['succeeded', 'failed', 'reversed'];
export const isTerminalAttempt = (s: AttemptState): boolean => TERMINAL_ATTEMPT_STATES.includes(s);

/** What the cashier is told while an attempt runs (the big state on screen). */
export const PAYMENT_PHASES = ['sending', 'waiting_password', 'querying', 'reversing', 'refunding', 'paid', 'failed', 'reversed'] as const;
export const paymentPhaseSchema = z.enum(PAYMENT_PHASES);
export type PaymentPhase = z.infer<typeof paymentPhaseSchema>;

const maskedCode = z.string().regex(/^\d{0,4}\*+\d{0,4}$/);
const time = z.string().max(40);

export const attemptViewSchema = z.strictObject({
  id: idSchema,
  saleId: idSchema,
  orderNo: z.string().max(64),
  wallet: paymentChannelSchema,
  gateway: gatewaySchema,
  amountFen: fenSchema,
  maskedCode,
  state: attemptStateSchema,
  phase: paymentPhaseSchema,
  /** Why it failed / is being reversed, or what the channel last said (USERPAYING, timeout, ...). */
  reason: z.string().max(300).nullable(),
  transactionId: z.string().max(64).nullable(),
  cancelRequested: z.boolean(),
  createdAt: time,
  updatedAt: time,
});
export type AttemptView = z.infer<typeof attemptViewSchema>;

export const saleLineViewSchema = z.strictObject({
  id: idSchema,
  seq: z.number().int(),
  kind: z.enum(['product', 'amount']),
  sku: z.string().max(64).nullable(),
  name: z.string().max(64),
  quantity: z.number().int(),
  unitPriceFen: fenSchema,
  grossFen: fenSchema,
  discountFen: fenSchema,
  totalFen: fenSchema,
});
export type SaleLineView = z.infer<typeof saleLineViewSchema>;

export const tenderViewSchema = z.strictObject({
  id: idSchema,
  kind: z.enum(['cash', 'code']),
  amountFen: fenSchema,
  givenFen: fenSchema.nullable(),
  changeFen: fenSchema.nullable(),
  wallet: paymentChannelSchema.nullable(),
  gateway: gatewaySchema.nullable(),
  maskedCode: maskedCode.nullable(),
  transactionId: z.string().max(64).nullable(),
  attemptId: idSchema.nullable(),
  refundedFen: fenSchema,
  createdAt: time,
});
export type TenderView = z.infer<typeof tenderViewSchema>;

export const saleViewSchema = z.strictObject({
  id: idSchema,
  receiptNo: z.string().max(64),
  businessDate: z.string().max(10),
  terminalId: z.string().max(32),
  cashierId: idSchema,
  status: saleStatusSchema,
  lines: z.array(saleLineViewSchema),
  tenders: z.array(tenderViewSchema),
  subtotalFen: fenSchema,
  discountFen: fenSchema,
  totalFen: fenSchema,
  paidFen: fenSchema,
  dueFen: fenSchema,
  refundedFen: fenSchema,
  /** The unresolved code payment, if any: while it exists, the customer is never asked to pay again. */
  activeAttempt: attemptViewSchema.nullable(),
  createdAt: time,
  completedAt: time.nullable(),
  voidedAt: time.nullable(),
  /** Made in training mode (payments to the sandbox): practice, never real money. */
  training: z.boolean(),
});
export type SaleView = z.infer<typeof saleViewSchema>;

export const REFUND_STATES = ['pending', 'succeeded', 'failed'] as const;
export const refundStateSchema = z.enum(REFUND_STATES);
export const refundPartStateSchema = z.enum(['created', 'sent', 'pending', 'succeeded', 'failed']);

export const refundViewSchema = z.strictObject({
  id: idSchema,
  saleId: idSchema,
  purpose: z.enum(['refund', 'void']),
  amountFen: fenSchema,
  /** pending until every part is final; failed when a part failed (retry it with refund.retry). */
  state: refundStateSchema,
  reason: z.string().max(200).nullable(),
  authorizedBy: idSchema,
  parts: z.array(
    z.strictObject({
      id: idSchema,
      tenderId: idSchema,
      kind: z.enum(['cash', 'code']),
      amountFen: fenSchema,
      /** The channel refund number (out_refund_no): one per part, reused on every retry. */
      refundNo: z.string().max(64).nullable(),
      state: refundPartStateSchema,
      reason: z.string().max(300).nullable(),
      /**
       * A failed part that still holds its amount: the gateway refused it without a signature (Jeepay), so
       * only this part's own retry, under its own number, may use that money.
       */
      holdsAmount: z.boolean(),
    }),
  ),
  createdAt: time,
});
export type RefundView = z.infer<typeof refundViewSchema>;
