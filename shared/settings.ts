import { z } from 'zod';
import { DEFAULT_PAYMENT_SETTINGS, paymentSettingsSchema } from './sales/payment-settings';
import { DEFAULT_DEVICES_SETTINGS, devicesSettingsSchema } from './devices/settings';
import { DEFAULT_SYNC_SETTINGS, syncSettingsSchema } from './sync/settings';

/**
 * Terminal settings visible to the renderer. Secrets (channel keys, HQ secret, PIN hashes) are never part
 * of this schema: they live in the host's secret store.
 *
 * Settings are a map of sections, each a flat strict object. A later domain adds its section to
 * `settingsSections` and its defaults to `DEFAULT_SETTINGS`; the full schema and the patch schema are
 * derived, and stored settings are merged over the defaults so new sections appear on upgrade.
 */
export const localeSchema = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof localeSchema>;

const codeId = z.string().min(1).max(32).regex(/^[0-9A-Za-z_-]+$/, 'letters, digits, _ and - only');

export const settingsSections = {
  store: z.strictObject({
    id: codeId,
    // Trimmed: a blank name would be refused by every receipt (which needs a name to print).
    name: z.string().trim().min(1).max(64),
    address: z.string().max(128),
  }),
  terminal: z.strictObject({
    id: codeId,
    name: z.string().trim().min(1).max(64),
    /** sandbox: payments go to the built-in channel simulator (training); live: to the configured gateways. */
    mode: z.enum(['sandbox', 'live']),
  }),
  ui: z.strictObject({
    locale: localeSchema,
  }),
  security: z.strictObject({
    /** Failed PIN attempts before the account is locked. */
    maxPinFailures: z.number().int().min(1).max(20),
    /** How long a locked account stays locked. */
    lockoutSeconds: z.number().int().min(1).max(24 * 3600),
  }),
  /** Code payments: routing (direct vs aggregator), optional wallets, per-channel timings, limits. */
  payments: paymentSettingsSchema,
  /** Scanner and printer ports, printer profile, wedge thresholds, camera, scan de-duplication. */
  devices: devicesSettingsSchema,
  /** Upload of the outbox to HQ (URL, batch size, timings, retention). The secret is not a setting. */
  sync: syncSettingsSchema,
} as const;

type Sections = typeof settingsSections;
export type SectionName = keyof Sections;

export const settingsSchema = z.strictObject(settingsSections);
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  store: { id: 'S001', name: '示例门店', address: '' },
  terminal: { id: 'T01', name: '收银台 1', mode: 'sandbox' },
  ui: { locale: 'zh-CN' },
  security: { maxPinFailures: 5, lockoutSeconds: 300 },
  payments: DEFAULT_PAYMENT_SETTINGS,
  devices: DEFAULT_DEVICES_SETTINGS,
  sync: DEFAULT_SYNC_SETTINGS,
};

const patchShape = Object.fromEntries(
  Object.entries(settingsSections).map(([name, schema]) => [name, schema.partial().optional()]),
) as { [K in SectionName]: z.ZodOptional<ReturnType<Sections[K]['partial']>> };

/** A patch: any section, any subset of its fields. Unknown sections and keys are refused. */
export const settingsPatchSchema = z.strictObject(patchShape);
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Merge a patch (or stored, possibly older, settings) over a base; the result is validated whole. */
export function mergeSettings(base: Settings, patch: Partial<Record<string, unknown>>): Settings {
  const next: Record<string, unknown> = { ...base };
  for (const name of Object.keys(settingsSections)) {
    const value = patch[name];
    if (value === undefined || value === null || typeof value !== 'object') continue;
    next[name] = { ...(base[name as SectionName] as object), ...value };
  }
  return settingsSchema.parse(next);
}
