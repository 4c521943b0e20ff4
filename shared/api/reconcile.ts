import { z } from 'zod';
import { fenSchema } from './common';
import { gatewaySchema } from '../sales/views';

/** One difference between a gateway's daily bill and the till's records (electron/payments/reconcile). */
export const RECONCILE_PROBLEM_KINDS = [
  'unknown_order',
  'not_given_back',
  'amount_mismatch',
  'unknown_refund',
  'refund_amount_mismatch',
  'missing_at_channel',
  'refund_missing_at_channel',
  'unreadable_row',
  'duplicate_row',
  'given_back_unexpectedly',
  'refund_failed_but_given_back',
] as const;

export const reconcileProblemSchema = z.strictObject({
  kind: z.enum(RECONCILE_PROBLEM_KINDS),
  orderNo: z.string().max(64).optional(),
  refundNo: z.string().max(64).optional(),
  billFen: fenSchema.nullable(),
  localFen: fenSchema.nullable(),
  detail: z.string().max(300),
});
export type ReconcileProblem = z.infer<typeof reconcileProblemSchema>;

/** Bill rows another till took (its terminal id on the row): counted, not compared. */
export const otherTerminalsSchema = z.strictObject({
  rows: z.number().int().nonnegative(),
  chargedFen: fenSchema,
  givenBackFen: fenSchema,
  /** Their terminal ids, sorted (at most 20). */
  terminals: z.array(z.string().max(32)).max(20),
});
export type OtherTerminals = z.infer<typeof otherTerminalsSchema>;

export const reconcileInputSchema = z.strictObject({ date: z.iso.date(), gateway: gatewaySchema });

export const reconcileResultSchema = z.strictObject({
  date: z.iso.date(),
  gateway: gatewaySchema,
  /** `ok`: the bill was read and compared; otherwise why there is nothing to compare (yet). */
  bill: z.enum(['ok', 'no_bill', 'bad_bill', 'failed', 'unavailable']),
  message: z.string().max(300),
  matchedPayments: z.number().int().nonnegative(),
  matchedRefunds: z.number().int().nonnegative(),
  /** Money the bill says was taken, and given back (refunds and reversals), that day, on this till. */
  chargedFen: fenSchema,
  givenBackFen: fenSchema,
  otherTerminals: otherTerminalsSchema,
  /** The first 500 problems; `problemCount` says how many there are in all. */
  problems: z.array(reconcileProblemSchema).max(500),
  problemCount: z.number().int().nonnegative(),
});
export type ReconcileResult = z.infer<typeof reconcileResultSchema>;
