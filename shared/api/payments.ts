import { z } from 'zod';
import { method } from './define';
import { fenSchema, idSchema } from './common';
import { attemptStateSchema, attemptViewSchema, paymentPhaseSchema, refundViewSchema, saleStatusSchema } from '../sales/views';
import { MAX_LINE_FEN } from '../sales/money';
import { reconcileInputSchema, reconcileResultSchema } from './reconcile';
import { gatewaysViewSchema, setGatewaysInputSchema } from './gateways';

export const paymentMethods = {
  /**
   * Charges a customer's payment code for a sale. Returns at once with the attempt (state `created`);
   * the engine goes on in the background and reports `payment.progress`. `amountFen` for a mixed payment
   * (default: everything due). Refused before anything is sent: offline, unknown/disabled/replayed code,
   * bad amount, an unresolved attempt on the sale.
   */
  'payment.start': method(
    'cashier',
    z.strictObject({ saleId: idSchema, code: z.string().max(256), amountFen: fenSchema.positive().max(MAX_LINE_FEN).optional() }),
    attemptViewSchema,
  ),
  /** The cashier gives up: an unresolved attempt is reversed (never just forgotten). */
  'payment.cancel': method('cashier', z.strictObject({ attemptId: idSchema }), attemptViewSchema),
  /** "Query this order" at the till: asks the channel now. */
  'payment.query': method('cashier', z.strictObject({ attemptId: idSchema }), attemptViewSchema),
  /** The attempt; with `waitMs`, waits (at most that long) for a final state. */
  'payment.get': method('cashier', z.strictObject({ attemptId: idSchema, waitMs: z.number().int().min(0).max(60_000).optional() }), attemptViewSchema),
  /** Attempts not yet final (the recovery queue), oldest first. */
  'payment.unresolved': method('cashier', z.strictObject({}).default({}), z.array(attemptViewSchema)),
  'payment.listForSale': method('cashier', z.strictObject({ saleId: idSchema }), z.array(attemptViewSchema)),
  /** Downloads a gateway's daily bill (China date) and lists every difference with the till's records. */
  'payment.reconcile': method('manager', reconcileInputSchema, reconcileResultSchema),
  /** The live gateways, redacted (endpoints, merchant ids, key fingerprints; never a key). */
  'payment.gateways': method('manager', z.strictObject({}).default({}), gatewaysViewSchema),
  /**
   * Sets live gateways (used in terminal mode `live`): a gateway given replaces it, `null` removes it. Each is
   * checked by building its adapter before anything is stored; takes effect for the next payment step.
   */
  'payment.setGateways': method('manager', setGatewaysInputSchema, gatewaysViewSchema),
} as const;

export const paymentEventSchemas = {
  'payment.progress': z.strictObject({
    attemptId: idSchema,
    saleId: idSchema,
    state: attemptStateSchema,
    phase: paymentPhaseSchema,
    reason: z.string().max(300).nullable(),
    amountFen: fenSchema,
    wallet: z.string().max(32),
    maskedCode: z.string().max(32),
    saleStatus: saleStatusSchema,
  }),
  'refund.progress': refundViewSchema,
  'sale.changed': z.strictObject({ saleId: idSchema, status: saleStatusSchema, dueFen: fenSchema }),
} as const;
