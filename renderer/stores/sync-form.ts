import { type z } from 'zod';
import { syncConfigureInputSchema } from '../../shared/api/sync';
import { type MessageKey } from '../i18n/messages';

/**
 * The manager's sync form as typed (strings), checked before anything is sent: each field gets its own
 * message. The host checks again (the same zod schema); its VALIDATION message is shown as it comes.
 */
export type SyncFormValues = { hqUrl: string; secret: string; batchSize: string; intervalSeconds: string };
export type SyncFormField = keyof SyncFormValues;
export type SyncConfigureInput = z.input<typeof syncConfigureInputSchema>;
export type SyncFormCheck = { ok: true; input: SyncConfigureInput } | { ok: false; errors: Partial<Record<SyncFormField, MessageKey>> };

const INT = /^\d{1,9}$/;
const SECONDS = /^\d{1,7}(?:\.\d{1,3})?$/;

/** `secretSet`: the host already holds a secret, so an empty secret field keeps it. */
export function checkSyncForm(values: SyncFormValues, secretSet: boolean): SyncFormCheck {
  const errors: Partial<Record<SyncFormField, MessageKey>> = {};
  const hqUrl = values.hqUrl.trim();
  const secret = values.secret;
  const batchSize = INT.test(values.batchSize.trim()) ? Number(values.batchSize.trim()) : NaN;
  // Seconds with up to 3 decimals → whole milliseconds, no float drift (0.1 s → 100 ms).
  const sec = values.intervalSeconds.trim();
  const [whole = '', frac = ''] = sec.split('.');
  const intervalMs = SECONDS.test(sec) ? Number(whole) * 1000 + Number(frac.padEnd(3, '0')) : NaN;

  const input: SyncConfigureInput = { hqUrl, batchSize, intervalMs, ...(secret === '' ? {} : { secret }) };
  const parsed = syncConfigureInputSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === 'hqUrl') errors.hqUrl = 'sync.error.hqUrl';
      else if (field === 'secret') errors.secret = 'sync.error.secret';
      else if (field === 'batchSize') errors.batchSize = 'sync.error.batchSize';
      else if (field === 'intervalMs') errors.intervalSeconds = 'sync.error.interval';
    }
  }
  if (Number.isNaN(batchSize)) errors.batchSize = 'sync.error.batchSize';
  if (Number.isNaN(intervalMs)) errors.intervalSeconds = 'sync.error.interval';
  if (hqUrl !== '' && secret === '' && !secretSet && errors.hqUrl === undefined) errors.secret = 'sync.error.secretNeeded';
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}

/** "45 s", "12 min", "3 h", "2 d" (zh: 秒/分钟/小时/天); whole units, rounded down. */
export function formatAge(ms: number, locale: 'zh-CN' | 'en'): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const [n, unit] = s < 60 ? [s, 0] : s < 3600 ? [Math.floor(s / 60), 1] : s < 86_400 ? [Math.floor(s / 3600), 2] : [Math.floor(s / 86_400), 3];
  const units = locale === 'en' ? [' s', ' min', ' h', ' d'] : [' 秒', ' 分钟', ' 小时', ' 天'];
  return `${n}${units[unit] ?? ''}`;
}

/** 1500 → "1.5", 30000 → "30": the form shows the interval in seconds. */
export function msToSeconds(ms: number): string {
  const rest = ms % 1000;
  return `${Math.floor(ms / 1000)}${rest === 0 ? '' : `.${String(rest).padStart(3, '0').replace(/0+$/, '')}`}`;
}
