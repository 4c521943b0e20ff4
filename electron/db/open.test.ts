import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { DatabaseInUseError, IDLE_CHECKPOINT_MS, openDatabase } from './open';

const dirs: string[] = [];
const tempFile = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-db-open-'));
  dirs.push(dir);
  return path.join(dir, 'pos.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WAL checkpoints', () => {
  it('are taken once the connection is quiet, not by the commits themselves', async () => {
    const file = tempFile();
    const { db } = openDatabase(file);
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000); // the fallback under sustained writes
      db.exec('CREATE TABLE t (v BLOB) STRICT');
      await sleep(IDLE_CHECKPOINT_MS * 3); // the schema change is checkpointed while quiet
      const before = fs.statSync(file).size;
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      for (let i = 0; i < 50; i++) db.transaction(() => insert.run(Buffer.alloc(2000, i)))();
      // Committed (durable in the WAL), not yet copied into the database file.
      expect(fs.statSync(file).size).toBe(before);
      const deadline = Date.now() + 5_000;
      while (fs.statSync(file).size === before && Date.now() < deadline) await sleep(50);
      expect(fs.statSync(file).size).toBeGreaterThan(before);
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(50);
    } finally {
      db.close();
    }
  });

  it('stop with the connection', async () => {
    const file = tempFile();
    const { db } = openDatabase(file);
    db.exec('CREATE TABLE t (v INTEGER) STRICT; INSERT INTO t VALUES (1)');
    db.close();
    await sleep(IDLE_CHECKPOINT_MS * 3); // a tick on a closed connection must not throw
    const again = openDatabase(file).db;
    expect(again.prepare('SELECT v FROM t').pluck().get()).toBe(1);
    again.close();
  });
});

describe('one POS process per database', () => {
  it('refuses a second connection while the first is open, with an error naming the file', () => {
    const file = tempFile();
    const { db } = openDatabase(file);
    try {
      expect(db.pragma('locking_mode', { simple: true })).toBe('exclusive');
      expect(fs.existsSync(`${file}-shm`)).toBe(false); // the WAL index lives in process memory
      expect(() => openDatabase(file)).toThrow(DatabaseInUseError);
      expect(() => openDatabase(file)).toThrow(file);
      // The holder is not disturbed.
      db.exec('CREATE TABLE t (v INTEGER) STRICT; INSERT INTO t VALUES (1)');
    } finally {
      db.close();
    }
    const again = openDatabase(file).db;
    expect(again.prepare('SELECT v FROM t').pluck().get()).toBe(1);
    again.close();
  });

  it('refuses another process too (a second POS started on the same data directory)', () => {
    const file = tempFile();
    const { db } = openDatabase(file);
    try {
      db.exec('CREATE TABLE t (v INTEGER) STRICT');
      const script = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); try { new D(${JSON.stringify(file)}, { timeout: 100 }).prepare('SELECT count(*) FROM t').get(); console.log('read'); } catch (e) { console.log(e.code); }`;
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(child.stdout.trim()).toBe('SQLITE_BUSY');
    } finally {
      db.close();
    }
  });
});
