import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './index';
import { migration0014 } from './0014_refund_parts_unfinished_index';
import { voidedSalesOwingGiveBack } from '../../sales/repo';

describe('migration 0014 refund parts unfinished index', () => {
  it('holds only parts not landed, and the voided-sales-owing query reads it instead of every part', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = OFF');
    for (const m of MIGRATIONS.filter((x) => x.version < 14)) m.up(db);
    migration0014.up(db);
    const refund = db.prepare("INSERT INTO refunds (id, sale_id, purpose, amount_fen, requested_by, authorized_by, created_at) VALUES (?, ?, ?, 100, 'm', 'm', 't')");
    const part = db.prepare("INSERT INTO refund_parts (id, refund_id, tender_id, kind, amount_fen, refund_no, state, created_at, updated_at) VALUES (?, ?, 'tn', 'code', 100, ?, ?, 't', 't')");
    refund.run('r-void-landed', 's-landed', 'void');
    part.run('p1', 'r-void-landed', 'n1', 'succeeded');
    refund.run('r-void-failed', 's-owing', 'void');
    part.run('p2', 'r-void-failed', 'n2', 'failed');
    refund.run('r-void-sent', 's-sending', 'void');
    part.run('p3', 'r-void-sent', 'n3', 'sent');
    refund.run('r-refund-failed', 's-refund', 'refund');
    part.run('p4', 'r-refund-failed', 'n4', 'failed');
    const indexed = db.prepare("SELECT id FROM refund_parts INDEXED BY refund_parts_unfinished WHERE state <> 'succeeded' ORDER BY id").pluck().all();
    expect(indexed).toEqual(['p2', 'p3', 'p4']);
    expect(voidedSalesOwingGiveBack(db).sort()).toEqual(['s-owing', 's-sending']);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT DISTINCT r.sale_id FROM refund_parts p JOIN refunds r ON r.id = p.refund_id WHERE p.state <> 'succeeded' AND r.purpose = 'void'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' | ')).toContain('USING INDEX refund_parts_unfinished');
  });
});
