import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './index';
import { migration0010 } from './0010_sales_paying_index';

describe('migration 0010 sales paying index', () => {
  it('indexes only the sales being paid, and the earlier-day query uses it', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = OFF');
    for (const m of MIGRATIONS.filter((x) => x.version < 10)) m.up(db);
    migration0010.up(db);
    const index = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'sales_paying'").pluck().get();
    expect(index).toMatch(/WHERE status = 'paying'/);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM sales WHERE business_date < ? AND status = 'paying'").all('2026-11-26') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('sales_paying');
  });
});
