import { z } from 'zod';

/** Stable error codes that cross the API boundary. Clients switch on these, never on messages. */
export const ERROR_CODES = [
  'VALIDATION',
  'UNKNOWN_METHOD',
  'NOT_AUTHENTICATED',
  'NOT_AUTHORIZED',
  'PIN_INVALID',
  'LOCKED_OUT',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_STATE',
  'DATABASE',
  'INTERNAL',
  // payments
  'CODE_EMPTY',
  'CODE_NOT_DIGITS',
  'CODE_UNSUPPORTED',
  'CODE_DISABLED',
  'CODE_REPLAYED',
  'AMOUNT_INVALID',
  'PAYMENT_PENDING',
  'PAYMENT_FAILED',
  'CHANNEL_ERROR',
  'OFFLINE',
  'REFUND_EXCEEDS_PAID',
  // devices
  'DEVICE_ERROR',
  'PRINTER_OFFLINE',
  // sync
  'SYNC_ERROR',
] as const;

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const apiErrorSchema = z.strictObject({
  code: errorCodeSchema,
  message: z.string(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

/** Thrown inside the host; the dispatcher turns it into `{ ok: false, error }`. */
export class PosError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PosError';
  }
}
