import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { type PaymentsTestHost, startPaymentsHost } from '../payments/engine/testing/harness';
import { MIGRATIONS } from '../db/migrations/index';
import { migration0013 } from '../db/migrations/0013_shift_cash_marks';

// The shift's cash is what was written after it opened (row order), never picked by time: a wall clock
// stepped after the shift opened (NTP correcting a clock that was fast, or a dead battery's 2000-01-01)
// neither leaves the next sales out nor pulls earlier ones in.

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const HOUR = 3_600_000;

describe('shift figures when the wall clock is stepped', () => {
  it('opened on a clock an hour fast: the cash sales after NTP stepped it back are in the shift', async () => {
    t = await startPaymentsHost();
    const real = t.clock.now();
    t.clock.set(real + HOUR);
    await t.must('shift.open', { openingFloatFen: 10_000 });
    t.clock.set(real + 60_000);
    const saleId = await t.openSale(2_500);
    await t.must('sale.tenderCash', { saleId, givenFen: 3_000 });
    await t.must('refund.request', { saleId, amountFen: 500, reason: '退货' });
    expect((await t.must('shift.current'))?.figures).toMatchObject({ cashSalesFen: 2_500, cashRefundsFen: 500, expectedCashFen: 12_000 });
  });

  it('opened on a dead battery clock (2000-01-01): earlier cash sales stay out, and the drawer check holds', async () => {
    t = await startPaymentsHost();
    const real = t.clock.now();
    const earlier = await t.openSale(99_900);
    await t.must('sale.tenderCash', { saleId: earlier, givenFen: 100_000 });
    t.clock.set(Date.UTC(2000, 0, 1));
    await t.must('shift.open', { openingFloatFen: 10_000 });
    t.clock.set(real + 24 * HOUR);
    expect((await t.must('shift.current'))?.figures).toMatchObject({ cashSalesFen: 0, expectedCashFen: 10_000 });
    expect(await t.call('shift.cashMovement', { direction: 'out', amountFen: 50_000, reason: 'bank' })).toMatchObject({ ok: false, error: { code: 'AMOUNT_INVALID' } });
  });
});

describe('migration 0013', () => {
  it('marks the shift open at upgrade by its opening time; closed shifts are left as they are', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = OFF');
    for (const m of MIGRATIONS.filter((x) => x.version < 13)) m.up(db);
    const tender = db.prepare("INSERT INTO tenders (id, sale_id, kind, amount_fen, given_fen, change_fen, created_at) VALUES (?, 's', 'cash', 100, 100, 0, ?)");
    tender.run('t1', '2026-11-25T01:00:00.000Z');
    tender.run('t2', '2026-11-25T03:00:00.000Z');
    db.prepare(
      "INSERT INTO shifts (id, terminal_id, store_id, status, business_date, opened_at, opened_by, opening_float_fen) VALUES ('open', 'T01', 'S001', 'open', '2026-11-25', '2026-11-25T02:00:00.000Z', 'm', 0)",
    ).run();
    migration0013.up(db);
    expect(db.prepare("SELECT tenders_after, refund_parts_after FROM shifts WHERE id = 'open'").get()).toEqual({ tenders_after: 1, refund_parts_after: 0 });
  });
});
