import { z } from 'zod';

/** Where a scan came from. All sources feed one pipeline (de-duplication, then the screen's handler). */
export const scanSourceSchema = z.enum(['serial', 'wedge', 'camera']);
export type ScanSource = z.infer<typeof scanSourceSchema>;

/**
 * One scan. `code` is always a string (payment codes exceed Number.MAX_SAFE_INTEGER); `symbology` is the
 * AIM id (`]C0`, `]E0`, `]Q1`) when the scanner sent one; `at` is epoch milliseconds from the source's clock.
 */
export const scanEventSchema = z.strictObject({
  source: scanSourceSchema,
  deviceId: z.string().min(1).max(64),
  code: z.string().min(1).max(512),
  symbology: z.string().regex(/^\][A-Za-z][0-9A-Za-z]$/).optional(),
  at: z.number().int().nonnegative(),
});
export type ScanEvent = z.infer<typeof scanEventSchema>;
