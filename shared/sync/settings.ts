import { z } from 'zod';
import { MAX_BATCH_ENTRIES } from './protocol';

/**
 * The `sync` settings section: where HQ is and how the outbox is uploaded. The terminal's HQ secret is not
 * a setting (settings reach the renderer); it lives in the host's secret store under `sync.secret`.
 */
export const hqUrlSchema = z
  .string()
  .trim()
  .max(256)
  .refine((v) => v === '' || /^https?:\/\/[^\s/]+/.test(v), 'hqUrl: empty (sync off) or an http(s) URL')
  // Settings are public (settings.get): the HQ secret has its own write-only field, never the URL. Neither
  // form ever worked (fetch refuses credentials in a URL; the API path goes after any query).
  .refine((v) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(v) && !/[?#]/.test(v), 'hqUrl: no user name, password or query string (the secret has its own field)');

export const syncSettingsSchema = z.strictObject({
  /** Base URL of HQ, e.g. https://hq.example.com; '' = sync disabled (the outbox still fills). */
  hqUrl: hqUrlSchema,
  /** Entries per upload (1..500). */
  batchSize: z.number().int().min(1).max(MAX_BATCH_ENTRIES),
  /** How often the worker looks for new entries when idle. */
  intervalMs: z.number().int().min(100).max(3_600_000),
  /** Request timeout; a timeout is a transient failure. */
  timeoutMs: z.number().int().min(100).max(120_000),
  /** Acknowledged entries older than this are deleted from the terminal's outbox. */
  retentionDays: z.number().int().min(1).max(3650),
});
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  hqUrl: '',
  batchSize: 200,
  intervalMs: 30_000,
  timeoutMs: 15_000,
  retentionDays: 30,
};
