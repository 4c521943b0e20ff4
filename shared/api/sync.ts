import { z } from 'zod';
import { method } from './define';
import { emptyInput, idSchema, isoTimeSchema } from './common';
import { entryKindSchema } from '../sync/entry';
import { syncSettingsSchema } from '../sync/settings';

/**
 * Sync to HQ: the outbox's progress for the status line, a manual "sync now", the manager's configuration
 * (HQ URL and terminal secret; the secret is write-only) and the entries that need an operator.
 */
export const syncStatusSchema = z.strictObject({
  /** hqUrl and secret are set. */
  enabled: z.boolean(),
  hqUrl: z.string().max(256),
  secretSet: z.boolean(),
  /** Entries waiting to be uploaded. */
  queued: z.number().int().nonnegative(),
  /** Entries in the batch in flight right now. */
  sending: z.number().int().nonnegative(),
  /** Refused by HQ as invalid (or invalid before upload): not sendable unchanged. */
  parked: z.number().int().nonnegative(),
  /** Seq/key clashes at HQ (e.g. a copied database): kept, not resent, need an operator. */
  conflicts: z.number().int().nonnegative(),
  lastSuccessAt: isoTimeSchema.nullable(),
  lastError: z.string().max(1000).nullable(),
  /** Age of the oldest pending entry; null when nothing is pending. */
  oldestUnsentAgeMs: z.number().int().nonnegative().nullable(),
  /** When the next upload attempt is planned (after a failure or when idle); null when none is. */
  nextAttemptAt: isoTimeSchema.nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const outboxFlaggedSchema = z.strictObject({
  seq: z.number().int().positive(),
  idempotencyKey: idSchema,
  kind: entryKindSchema,
  state: z.enum(['parked', 'conflict']),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  createdAt: isoTimeSchema,
});
export type OutboxFlagged = z.infer<typeof outboxFlaggedSchema>;

export const syncConfigureInputSchema = syncSettingsSchema.partial().extend({
  hqUrl: syncSettingsSchema.shape.hqUrl,
  /** The terminal's HQ secret (≥ 8 characters). Omitted: keep the stored one. Never returned. */
  secret: z.string().min(8).max(256).optional(),
});

export const syncMethods = {
  'sync.status': method('cashier', emptyInput, syncStatusSchema),
  /** Starts an upload pass now (also after a backoff) and answers when it ends. */
  'sync.now': method('cashier', emptyInput, syncStatusSchema),
  'sync.configure': method('manager', syncConfigureInputSchema, syncStatusSchema),
  /** Parked and conflicting entries, oldest first. */
  'sync.parked': method('manager', z.strictObject({ limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }), z.array(outboxFlaggedSchema)),
  /**
   * Sends parked or conflicting entries again, once what HQ refused them for is fixed (a terminal bound to
   * the wrong store at HQ, a conflict settled there): back to pending, audited. Entries the till itself could
   * not build (not serialisable, too large) stay parked: they would only be refused again.
   */
  'sync.requeue': method(
    'manager',
    z.strictObject({ seqs: z.array(z.number().int().positive()).min(1).max(500) }),
    z.strictObject({ requeued: z.number().int().nonnegative(), status: syncStatusSchema }),
  ),
} as const;

export const syncEventSchemas = {
  'sync.status': syncStatusSchema,
} as const;
