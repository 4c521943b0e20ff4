import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DatabaseOpenError, openDatabase } from './open';
import { DatabaseVersionError, migrate } from './migrate';
import { MIGRATIONS } from './migrations';
import { type Migration } from './migrations/types';

const dirs: string[] = [];
const tempFile = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-db-'));
  dirs.push(dir);
  return path.join(dir, 'pos.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates a new database with WAL, synchronous=FULL, foreign keys and the latest schema', () => {
    const file = tempFile();
    const { db, schemaVersion, migratedFrom } = openDatabase(file);
    expect(migratedFrom).toBe(0);
    expect(schemaVersion).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    const again = openDatabase(file);
    expect(again.migratedFrom).toBe(MIGRATIONS.length);
    again.db.close();
  });

  it('refuses a database from a newer version, names the file and leaves it untouched', () => {
    const file = tempFile();
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(DatabaseVersionError);
    expect(() => openDatabase(file)).toThrow(file);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a corrupt file with an error naming it, and does not modify it', () => {
    const file = tempFile();
    const garbage = Buffer.from('this is not a database at all, just a broken file'.repeat(100));
    fs.writeFileSync(file, garbage);
    expect(() => openDatabase(file)).toThrow(DatabaseOpenError);
    expect(() => openDatabase(file)).toThrow(file);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  it('refuses a truncated database file', () => {
    const file = tempFile();
    const { db } = openDatabase(file);
    db.close();
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, 150));
    expect(() => openDatabase(file)).toThrow(DatabaseOpenError);
  });
});

describe('migrate', () => {
  it('applies pending migrations in one transaction: a failing step leaves the old schema', () => {
    const db = new Database(':memory:');
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'ok-part', up: (d) => d.exec('CREATE TABLE extra (x INTEGER) STRICT') },
      { version: MIGRATIONS.length + 2, name: 'fails', up: () => { throw new Error('boom'); } },
    ];
    expect(() => migrate(db, broken, ':memory:')).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'extra'").get()).toBeUndefined();
  });

  it('rejects a migration list with a gap', () => {
    const db = new Database(':memory:');
    const gap: Migration[] = [{ version: 2, name: 'x', up: () => undefined }];
    expect(() => migrate(db, gap, ':memory:')).toThrow(/broken/);
  });
});
