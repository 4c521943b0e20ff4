import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migration0001 } from './0001_foundation';

describe('migration 0001 foundation', () => {
  it('creates strict tables and an append-only audit log', () => {
    const db = new Database(':memory:');
    migration0001.up(db);
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name)).toEqual(['audit_log', 'secrets', 'settings', 'users']);
    for (const t of tables) expect(t.sql).toMatch(/STRICT$/);
    db.prepare("INSERT INTO audit_log (at, action, detail, prev_hash, hash) VALUES ('t', 'a', '{}', '', 'h')").run();
    expect(() => db.prepare("UPDATE audit_log SET action = 'b'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u', 'n', 'boss', 'h', 't')").run()).toThrow();
    expect(() => db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u', 'n', 'cashier', 'h', 't')").run()).not.toThrow();
    expect(() => db.prepare("UPDATE users SET failed_attempts = 'many'").run()).toThrow();
  });
});
