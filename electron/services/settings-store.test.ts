import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../db/migrations/index';
import { loadSettings } from './settings-store';
import { DEFAULT_SETTINGS } from '../../shared/settings';

function dbWith(rows: Record<string, unknown>) {
  const db = new Database(':memory:');
  for (const m of MIGRATIONS) m.up(db);
  const put = db.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, ?, '2026-11-20T00:00:00.000Z')");
  for (const [key, value] of Object.entries(rows)) put.run(key, typeof value === 'string' ? value : JSON.stringify(value));
  return db;
}

describe('loadSettings', () => {
  it('a stored field a newer version no longer takes falls back alone: a live till stays live, with its ids', () => {
    // An older version took a blank name; this one trims names and needs one.
    const db = dbWith({ terminal: { id: 'T09', name: ' ', mode: 'live' }, store: { id: 'S042', name: '  ', address: '北京路 1 号' } });
    const s = loadSettings(db);
    expect(s.terminal).toEqual({ id: 'T09', name: DEFAULT_SETTINGS.terminal.name, mode: 'live' });
    expect(s.store).toEqual({ id: 'S042', name: DEFAULT_SETTINGS.store.name, address: '北京路 1 号' });
  });

  it('an unreadable section, an unknown one and an unknown field change nothing else', () => {
    const db = dbWith({ terminal: '{not json', store: { id: 'S042', name: '老店', color: 'red' }, gadgets: { x: 1 } });
    const s = loadSettings(db);
    expect(s.terminal).toEqual(DEFAULT_SETTINGS.terminal);
    expect(s.store).toEqual({ ...DEFAULT_SETTINGS.store, id: 'S042', name: '老店' });
  });
});
