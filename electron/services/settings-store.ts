import { stmt } from '../db/stmt';
import { type Db } from '../db/open';
import { DEFAULT_SETTINGS, mergeSettings, type Settings, type SettingsPatch, settingsSections } from '../../shared/settings';

/**
 * Settings persisted one row per section (JSON). Reading merges stored sections over the defaults, so a
 * section added by a later version appears with its defaults, and a stored field that no longer
 * validates falls back to the default instead of bricking the till: that field alone. A whole section
 * falling back would silently turn a live till's terminal (id, mode) into the default training one because
 * of, say, a name a newer version no longer takes.
 */
export function loadSettings(db: Db): Settings {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  let settings = DEFAULT_SETTINGS;
  for (const row of rows) {
    if (!Object.hasOwn(settingsSections, row.key)) continue;
    let stored: unknown;
    try {
      stored = JSON.parse(row.value) as unknown;
      settings = mergeSettings(settings, { [row.key]: stored });
    } catch {
      if (typeof stored !== 'object' || stored === null) continue; // unreadable: the section's defaults
      for (const [field, value] of Object.entries(stored)) {
        try {
          settings = mergeSettings(settings, { [row.key]: { [field]: value } });
        } catch {
          // this field keeps its default; the next save rewrites it
        }
      }
    }
  }
  return settings;
}

/** Applies a validated patch and stores every touched section; call inside a transaction. */
export function saveSettingsPatch(db: Db, current: Settings, patch: SettingsPatch, at: string): Settings {
  const next = mergeSettings(current, patch);
  const upsert = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at');
  for (const name of Object.keys(patch) as (keyof Settings)[]) {
    if (patch[name] !== undefined) upsert.run(name, JSON.stringify(next[name]), at);
  }
  return next;
}

export function getSecret(db: Db, key: string): string | undefined {
  return (stmt(db, 'SELECT value FROM secrets WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setSecret(db: Db, key: string, value: string, at: string): void {
  db.prepare('INSERT INTO secrets (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(key, value, at);
}
