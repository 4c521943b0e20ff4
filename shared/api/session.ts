import { z } from 'zod';
import { method } from './define';
import { emptyInput, idSchema, nameSchema, pinSchema, roleSchema, staffIdSchema } from './common';

export const userSummarySchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  role: roleSchema,
  active: z.boolean(),
});
export type UserSummary = z.infer<typeof userSummarySchema>;

export const sessionSchema = z.strictObject({
  user: userSummarySchema,
  startedAt: z.string(),
});
export type Session = z.infer<typeof sessionSchema>;

export const sessionMethods = {
  /** Names and roles for the login screen's user picker; no hashes, no lockout internals. */
  'users.list': method('public', emptyInput, z.array(userSummarySchema)),
  'users.create': method('manager', z.strictObject({ id: staffIdSchema.optional(), name: nameSchema, role: roleSchema, pin: pinSchema }), userSummarySchema),
  'users.setPin': method('manager', z.strictObject({ userId: idSchema, pin: pinSchema }), z.strictObject({ userId: idSchema })),
  'users.setActive': method('manager', z.strictObject({ userId: idSchema, active: z.boolean() }), userSummarySchema),
  'session.login': method('public', z.strictObject({ userId: idSchema, pin: pinSchema }), sessionSchema),
  'session.logout': method('public', emptyInput, z.strictObject({ loggedOut: z.boolean() })),
  'session.current': method('public', emptyInput, sessionSchema.nullable()),
  /** A manager's PIN typed at a cashier's till to approve one action (refund, void); returns the manager. */
  'session.authorize': method('cashier', z.strictObject({ userId: idSchema, pin: pinSchema }), userSummarySchema),
} as const;
