import { z } from 'zod';

/** Shared field schemas. Every string has a bound so a huge payload is a VALIDATION error, not a memory spike. */
export const idSchema = z.string().min(1).max(64).regex(/^[0-9A-Za-z_-]+$/, 'id: letters, digits, _ and - only');
/** A staff id chosen by the manager (工号), e.g. c01: letters, digits, _ and -. */
export const staffIdSchema = z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/, 'id: 1-32 letters, digits, _ or -');
export const nameSchema = z.string().trim().min(1).max(64);
export const pinSchema = z.string().regex(/^\d{4,8}$/, 'PIN: 4 to 8 digits');
/** Integer fen (分). Never floats. */
export const fenSchema = z.number().int().safe();
export const positiveFenSchema = fenSchema.positive();
export const isoTimeSchema = z.string().max(40);
export const emptyInput = z.strictObject({}).default({});
export const roleSchema = z.enum(['cashier', 'manager']);
export type Role = z.infer<typeof roleSchema>;
