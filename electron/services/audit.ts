import { type Statement } from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { type Db } from '../db/open';

/**
 * Append-only, hash-chained audit log: each entry's hash covers the previous hash and its own fields,
 * so editing or removing a row breaks `verifyAuditChain`. Money-moving actions and approvals go here.
 */
export type AuditEntry = { seq: number; at: string; actor: string | null; action: string; detail: string; prevHash: string; hash: string };

const GENESIS = '0'.repeat(64);

const entryHash = (prevHash: string, at: string, actor: string | null, action: string, detail: string): string =>
  createHash('sha256').update(JSON.stringify([prevHash, at, actor, action, detail])).digest('hex');

type AuditStatements = { last: Statement; insert: Statement };
// Prepared once per connection: appendAudit sits on every payment's hot path.
const statements = new WeakMap<Db, AuditStatements>();
function auditStatements(db: Db): AuditStatements {
  let s = statements.get(db);
  if (!s) {
    s = {
      last: db.prepare('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insert: db.prepare('INSERT INTO audit_log (at, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    statements.set(db, s);
  }
  return s;
}

/** Call inside the caller's transaction so the audit entry commits with the action it describes. */
export function appendAudit(db: Db, at: string, actor: string | null, action: string, detail: Record<string, unknown> = {}): AuditEntry {
  const stmts = auditStatements(db);
  const last = stmts.last.get() as { hash: string } | undefined;
  const prevHash = last?.hash ?? GENESIS;
  const detailText = JSON.stringify(detail);
  const hash = entryHash(prevHash, at, actor, action, detailText);
  const info = stmts.insert.run(at, actor, action, detailText, prevHash, hash);
  return { seq: Number(info.lastInsertRowid), at, actor, action, detail: detailText, prevHash, hash };
}

export function listAudit(db: Db, limit = 100): AuditEntry[] {
  return (
    db.prepare('SELECT seq, at, actor, action, detail, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq DESC LIMIT ?').all(limit) as AuditEntry[]
  ).reverse();
}

/** Walks the whole chain; returns the first broken sequence number, or null when intact. */
export function verifyAuditChain(db: Db): { ok: true; entries: number } | { ok: false; brokenAt: number } {
  let prev = GENESIS;
  let count = 0;
  for (const row of db.prepare('SELECT seq, at, actor, action, detail, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditEntry>) {
    if (row.prevHash !== prev || entryHash(prev, row.at, row.actor, row.action, row.detail) !== row.hash) return { ok: false, brokenAt: row.seq };
    prev = row.hash;
    count++;
  }
  return { ok: true, entries: count };
}
