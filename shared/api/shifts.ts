import { z } from 'zod';
import { method } from './define';
import { emptyInput, fenSchema, idSchema, isoTimeSchema } from './common';
import { authorizeSchema } from './sales';
import { MAX_LINE_FEN } from '../sales/money';

/**
 * Shifts and cash movements: a shift opens with a float in the drawer, takes cash in and out (with a
 * reason; cash out needs a manager), and closes with the cash counted. The host computes what the drawer
 * should hold; the difference is counted − expected. Closes and movements are recorded for HQ.
 */

const amountFenSchema = fenSchema.min(0).max(MAX_LINE_FEN);

export const cashDirectionSchema = z.enum(['in', 'out']);
export type CashDirection = z.infer<typeof cashDirectionSchema>;

export const cashMovementViewSchema = z.strictObject({
  id: idSchema,
  shiftId: idSchema,
  direction: cashDirectionSchema,
  amountFen: fenSchema.positive(),
  reason: z.string().max(256),
  actor: idSchema,
  /** The approving manager (cash out); null for cash in. */
  authorizedBy: idSchema.nullable(),
  createdAt: isoTimeSchema,
});
export type CashMovementView = z.infer<typeof cashMovementViewSchema>;

/** The drawer's figures, all integer fen. Live for an open shift, frozen at close for a closed one. */
export const shiftFiguresSchema = z.strictObject({
  openingFloatFen: fenSchema,
  /** Cash kept by sales since the shift opened (handed over minus change). */
  cashSalesFen: fenSchema,
  /** Cash handed back: refunds and part payments of voided sales. */
  cashRefundsFen: fenSchema,
  cashInFen: fenSchema,
  cashOutFen: fenSchema,
  /** float + cash sales − cash given back + cash in − cash out. */
  expectedCashFen: fenSchema,
});
export type ShiftFigures = z.infer<typeof shiftFiguresSchema>;

export const shiftViewSchema = z.strictObject({
  id: idSchema,
  status: z.enum(['open', 'closed']),
  businessDate: z.iso.date(),
  openedAt: isoTimeSchema,
  openedBy: idSchema,
  openedByName: z.string().max(64),
  closedAt: isoTimeSchema.nullable(),
  closedBy: idSchema.nullable(),
  closedByName: z.string().max(64).nullable(),
  figures: shiftFiguresSchema,
  countedCashFen: fenSchema.nullable(),
  /** counted − expected: positive = over, negative = short. Null while open. */
  differenceFen: fenSchema.nullable(),
  note: z.string().max(500).nullable(),
  /** Cash in / out of this shift, oldest first. */
  movements: z.array(cashMovementViewSchema),
});
export type ShiftView = z.infer<typeof shiftViewSchema>;

export const shiftMethods = {
  /** The open shift with its live figures; null when no shift is open. */
  'shift.current': method('cashier', emptyInput, shiftViewSchema.nullable()),
  /** Opens a shift with the float counted into the drawer. INVALID_STATE when one is already open. */
  'shift.open': method('cashier', z.strictObject({ openingFloatFen: amountFenSchema }), shiftViewSchema),
  /**
   * Cash put into (`in`) or taken out of (`out`) the drawer outside a sale, with a reason. Cash out needs
   * a manager (a manager session, or `authorize` with a manager's PIN). `requestId` makes the call
   * idempotent: the same id records one movement. INVALID_STATE when no shift is open.
   */
  'shift.cashMovement': method(
    'cashier',
    z.strictObject({
      direction: cashDirectionSchema,
      amountFen: fenSchema.positive().max(MAX_LINE_FEN),
      // Printable text only: a control character (NUL above all) would be cut or refused by the database.
      reason: z.string().trim().min(1).max(256).regex(/^[^\p{Cc}]*$/u, 'no control characters'),
      requestId: idSchema.optional(),
      authorize: authorizeSchema.optional(),
    }),
    z.strictObject({ movement: cashMovementViewSchema, shift: shiftViewSchema }),
  ),
  /** Closes the open shift with the cash counted; returns expected vs counted and the difference. */
  'shift.close': method('cashier', z.strictObject({ countedCashFen: amountFenSchema, note: z.string().trim().max(500).optional() }), shiftViewSchema),
  /** Recently closed shifts, newest first. */
  'shift.list': method('manager', z.strictObject({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }), z.array(shiftViewSchema)),
} as const;

export const shiftEventSchemas = {
  /** A shift opened, took a cash movement or closed: screens showing it reload `shift.current`. */
  'shift.changed': z.strictObject({ shiftId: idSchema, status: z.enum(['open', 'closed']), expectedCashFen: fenSchema }),
} as const;
