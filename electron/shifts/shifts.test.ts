import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChannel, paid } from '../payments/engine/testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from '../payments/engine/testing/harness';
import { verifyAuditChain } from '../services/audit';
import { outboxEntrySchema } from '../../shared/sync/protocol';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

let payFen = 0;
async function setup(): Promise<PaymentsTestHost> {
  const wx = createFakeChannel('wechat');
  wx.defaults.pay = () => paid(payFen);
  t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
  return t;
}

async function cashSale(h: PaymentsTestHost, totalFen: number, givenFen = totalFen): Promise<string> {
  const saleId = await h.openSale(totalFen);
  await h.must('sale.tenderCash', { saleId, givenFen });
  return saleId;
}

async function payByCode(h: PaymentsTestHost, saleId: string, amountFen: number): Promise<void> {
  payFen = amountFen;
  await h.must('payment.start', { saleId, code: codes.wechat(), amountFen });
  await h.until(async () => (await h.must('sale.get', { saleId })).paidFen >= amountFen, { what: 'code payment' });
}

type OutboxRow = { kind: string; idempotency_key: string; state: string; entry: string; last_error: string | null };
const outbox = (h: PaymentsTestHost): OutboxRow[] => h.host.ctx.db.prepare('SELECT kind, idempotency_key, state, entry, last_error FROM outbox ORDER BY seq').all() as OutboxRow[];
const count = (h: PaymentsTestHost, table: string): number => (h.host.ctx.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('shifts', () => {
  it('expected cash = float + cash sales − cash given back + cash in − cash out, counted since the shift opened', async () => {
    const h = await setup();
    // Before any shift: cash sales work, and belong to no shift.
    const early = await cashSale(h, 1_000);
    expect(await h.must('shift.current')).toBeNull();

    h.clock.advance(60_000);
    const opened = await h.must('shift.open', { openingFloatFen: 20_000 });
    expect(opened).toMatchObject({ status: 'open', businessDate: '2026-11-25', openedBy: 'manager', openedByName: '店长 Manager', closedAt: null, differenceFen: null, movements: [] });
    expect(opened.figures).toEqual({ openingFloatFen: 20_000, cashSalesFen: 0, cashRefundsFen: 0, cashInFen: 0, cashOutFen: 0, expectedCashFen: 20_000 });

    h.clock.advance(1_000);
    await cashSale(h, 1_850, 2_000); // change is not kept: 1850 counts
    const mixed = await h.openSale(3_000);
    await h.must('sale.tenderCash', { saleId: mixed, givenFen: 1_000 });
    await payByCode(h, mixed, 2_000); // the code part never touches the drawer
    await h.must('refund.request', { saleId: early, amountFen: 300 }); // cash back for a sale before the shift
    await h.must('refund.request', { saleId: mixed, amountFen: 2_500 }); // newest first: 2000 by code, 500 cash
    const voided = await h.openSale(800);
    await h.must('sale.tenderCash', { saleId: voided, givenFen: 300 });
    await h.must('sale.void', { saleId: voided, reason: 'customer left' }); // its 300 goes back over the counter
    await h.must('shift.cashMovement', { direction: 'in', amountFen: 5_000, reason: '零钱' });
    await h.must('shift.cashMovement', { direction: 'out', amountFen: 10_000, reason: '存银行' });
    // A reason with a control character (a NUL cuts text short in SQLite) is refused before anything is written.
    expect(await h.call('shift.cashMovement', { direction: 'in', amountFen: 100, reason: '\u0000x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    const live = await h.must('shift.current');
    expect(live?.figures).toEqual({ openingFloatFen: 20_000, cashSalesFen: 1_850 + 1_000 + 300, cashRefundsFen: 300 + 500 + 300, cashInFen: 5_000, cashOutFen: 10_000, expectedCashFen: 17_050 });
    expect(live?.movements.map((m) => [m.direction, m.amountFen, m.reason, m.authorizedBy])).toEqual([
      ['in', 5_000, '零钱', null],
      ['out', 10_000, '存银行', 'manager'],
    ]);

    const closed = await h.must('shift.close', { countedCashFen: 17_000, note: '少五毛' });
    expect(closed).toMatchObject({ status: 'closed', countedCashFen: 17_000, differenceFen: -50, note: '少五毛', closedBy: 'manager', closedByName: '店长 Manager' });
    expect(closed.figures.expectedCashFen).toBe(17_050);

    // After the close: a new sale counts in no closed shift; the next shift starts from its own float.
    h.clock.advance(1_000);
    await cashSale(h, 700);
    expect(await h.must('shift.current')).toBeNull();
    expect((await h.must('shift.list'))[0]?.figures.expectedCashFen).toBe(17_050);
    h.clock.advance(1_000);
    const next = await h.must('shift.open', { openingFloatFen: 17_000 });
    expect(next.figures).toMatchObject({ cashSalesFen: 0, cashRefundsFen: 0, expectedCashFen: 17_000 });
    await cashSale(h, 250);
    expect((await h.must('shift.current'))?.figures.expectedCashFen).toBe(17_250);
    expect(verifyAuditChain(h.host.ctx.db).ok).toBe(true);
  });

  it('cash movements and the close go to the outbox as valid, pending entries', async () => {
    const h = await setup();
    const shift = await h.must('shift.open', { openingFloatFen: 10_000 });
    const cin = await h.must('shift.cashMovement', { direction: 'in', amountFen: 2_000, reason: '备用零钱' });
    const cout = await h.must('shift.cashMovement', { direction: 'out', amountFen: 3_000, reason: '交款' });
    await h.must('shift.close', { countedCashFen: 9_000 });

    expect(h.records.map((r) => [r.kind, r.id])).toEqual([
      ['cash_movement', cin.movement.id],
      ['cash_movement', cout.movement.id],
      ['shift_close', shift.id],
    ]);
    expect(h.records[1]?.payload).toMatchObject({ direction: 'out', amountFen: 3_000, reason: '交款', shiftId: shift.id, actor: 'manager', authorizedBy: 'manager' });
    expect(h.records[2]?.payload).toMatchObject({ shiftId: shift.id, expectedCashFen: 9_000, countedCashFen: 9_000, differenceFen: 0, openingFloatFen: 10_000, cashInFen: 2_000, cashOutFen: 3_000 });
    const rows = outbox(h);
    expect(rows.map((r) => [r.kind, r.idempotency_key, r.state, r.last_error])).toEqual([
      ['cash_movement', cin.movement.id, 'pending', null],
      ['cash_movement', cout.movement.id, 'pending', null],
      ['shift_close', shift.id, 'pending', null],
    ]);
    for (const r of rows) {
      const entry = outboxEntrySchema.parse(JSON.parse(r.entry));
      expect(entry).toMatchObject({ terminalId: 'T01', storeId: 'S001', businessDate: '2026-11-25' });
    }
  });

  it('a movement or a close whose outbox write fails leaves nothing behind: no row, no audit entry, no entry', async () => {
    const h = await setup();
    await h.must('shift.open', { openingFloatFen: 10_000 });
    const audits = count(h, 'audit_log');
    const events = h.events.length;
    const remove = h.host.ctx.records.addSink(() => {
      throw new Error('disk full');
    });
    expect(await h.call('shift.cashMovement', { direction: 'in', amountFen: 100, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(await h.call('shift.close', { countedCashFen: 10_000 })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    remove();
    expect(count(h, 'cash_movements')).toBe(0);
    expect(count(h, 'audit_log')).toBe(audits);
    expect(outbox(h)).toEqual([]);
    expect(h.events.slice(events).filter((e) => e.event === 'shift.changed')).toEqual([]);
    expect(await h.must('shift.current')).toMatchObject({ status: 'open', figures: { expectedCashFen: 10_000 } });
    // And once the sink works again, the same actions go through.
    await h.must('shift.cashMovement', { direction: 'in', amountFen: 100, reason: 'x' });
    await h.must('shift.close', { countedCashFen: 10_100 });
    expect(outbox(h).map((r) => [r.kind, r.state])).toEqual([
      ['cash_movement', 'pending'],
      ['shift_close', 'pending'],
    ]);
  });

  it('shift.changed goes out on open, movement and close; the open shift survives a restart', async () => {
    const h = await setup();
    const shift = await h.must('shift.open', { openingFloatFen: 500 });
    await h.restart();
    expect(await h.must('shift.current')).toMatchObject({ id: shift.id, status: 'open' });
    await h.must('shift.cashMovement', { direction: 'in', amountFen: 100, reason: '零钱' });
    await h.must('shift.close', { countedCashFen: 600 });
    const changes = h.events.filter((e) => e.event === 'shift.changed').map((e) => e.payload);
    expect(changes).toEqual([
      { shiftId: shift.id, status: 'open', expectedCashFen: 500 },
      { shiftId: shift.id, status: 'open', expectedCashFen: 600 },
      { shiftId: shift.id, status: 'closed', expectedCashFen: 600 },
    ]);
  });

  it('a request id records one movement; reused for another movement it is a CONFLICT', async () => {
    const h = await setup();
    await h.must('shift.open', { openingFloatFen: 0 });
    const input = { direction: 'in' as const, amountFen: 1_000, reason: '零钱', requestId: 'req-cash-1' };
    const a = await h.must('shift.cashMovement', input);
    const b = await h.must('shift.cashMovement', input);
    expect(b.movement).toEqual(a.movement);
    expect(count(h, 'cash_movements')).toBe(1);
    expect(h.records.filter((r) => r.kind === 'cash_movement')).toHaveLength(1);
    expect(await h.call('shift.cashMovement', { ...input, amountFen: 2_000 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(count(h, 'cash_movements')).toBe(1);
  });

  it('cash out cannot take more than the drawer should hold', async () => {
    const h = await setup();
    await h.must('shift.open', { openingFloatFen: 1_000 });
    expect(await h.call('shift.cashMovement', { direction: 'out', amountFen: 1_001, reason: '交款' })).toMatchObject({ ok: false, error: { code: 'AMOUNT_INVALID' } });
    await h.must('shift.cashMovement', { direction: 'out', amountFen: 1_000, reason: '交款' });
    expect((await h.must('shift.current'))?.figures.expectedCashFen).toBe(0);
  });
});

describe('cash given back by a refund', () => {
  it('never more than the drawer should hold (as a cash out): refused with the reason, nothing changed', async () => {
    const h = await setup();
    // A cash sale before the shift counts in no shift; the shift opens with a 2000 fen float.
    const saleId = await cashSale(h, 10_000);
    h.clock.advance(1_000);
    await h.must('shift.open', { openingFloatFen: 2_000 });
    h.clock.advance(1_000);
    const refused = await h.call('refund.request', { saleId, amountFen: 5_000 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'AMOUNT_INVALID', message: expect.stringContaining('the drawer should hold only 2000 fen') } });
    expect((await h.must('sale.get', { saleId })).refundedFen).toBe(0);
    // Within what the drawer holds it goes through, and the drawer never shows less than nothing.
    await h.must('refund.request', { saleId, amountFen: 2_000 });
    expect((await h.must('shift.current'))?.figures.expectedCashFen).toBe(0);
  });

  it('a void that would hand back more cash than the drawer holds says to record a cash in first', async () => {
    const h = await setup();
    const saleId = await h.openSale(10_000);
    await h.must('sale.tenderCash', { saleId, givenFen: 3_000, amountFen: 3_000 });
    h.clock.advance(1_000);
    await h.must('shift.open', { openingFloatFen: 1_000 });
    const refused = await h.call('sale.void', { saleId, reason: 'customer left' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'AMOUNT_INVALID', message: expect.stringContaining('record a cash in first, then void the sale') } });
    await h.must('shift.cashMovement', { direction: 'in', amountFen: 2_000, reason: '补零钱' });
    expect(await h.must('sale.void', { saleId, reason: 'customer left' })).toMatchObject({ status: 'voided' });
  });
});
