import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, startPaymentsHost } from '../../payments/engine/testing/harness';
import { TEST_MANAGER_PIN } from '../../testing/host-fixture';
import { type ClientHandle } from '../../host';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

async function asCashier(h: PaymentsTestHost): Promise<ClientHandle> {
  await h.must('users.create', { name: 'Cashier', role: 'cashier', pin: '1111' });
  const id = (await h.must('users.list')).find((u) => u.role === 'cashier')?.id as string;
  const client = h.host.connect();
  await h.must('session.login', { userId: id, pin: '1111' }, client);
  return client;
}

/** Everything a refused call must leave untouched. */
const snapshot = (h: PaymentsTestHost) => {
  const db = h.host.ctx.db;
  const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  return {
    shifts: db.prepare('SELECT id, status, opening_float_fen, closed_at FROM shifts ORDER BY rowid').all(),
    movements: n('SELECT count(*) AS n FROM cash_movements'),
    outbox: n('SELECT count(*) AS n FROM outbox'),
    audit: n('SELECT count(*) AS n FROM audit_log'),
  };
};

describe('shift handlers', () => {
  it('with no open shift, movements and closing are INVALID_STATE; a second open is INVALID_STATE', async () => {
    t = await startPaymentsHost();
    expect(await t.must('shift.current')).toBeNull();
    expect(await t.call('shift.close', { countedCashFen: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await t.call('shift.cashMovement', { direction: 'in', amountFen: 100, reason: '零钱' })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    await t.must('shift.open', { openingFloatFen: 100 });
    expect(await t.call('shift.open', { openingFloatFen: 100 })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    await t.must('shift.close', { countedCashFen: 100 });
    expect(await t.call('shift.close', { countedCashFen: 100 })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('a cashier opens, takes cash in and closes; cash out needs a manager (session or PIN)', async () => {
    t = await startPaymentsHost();
    const cashier = await asCashier(t);
    const shift = await t.must('shift.open', { openingFloatFen: 10_000 }, cashier);
    expect(shift.openedByName).toBe('Cashier');
    await t.must('shift.cashMovement', { direction: 'in', amountFen: 500, reason: '零钱' }, cashier);

    const before = snapshot(t);
    expect(await t.call('shift.cashMovement', { direction: 'out', amountFen: 500, reason: '交款' }, cashier)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    expect(await t.call('shift.cashMovement', { direction: 'out', amountFen: 500, reason: '交款', authorize: { userId: 'manager', pin: '000000' } }, cashier)).toMatchObject({
      ok: false,
      error: { code: 'PIN_INVALID' },
    });
    const cashierId = (await t.must('session.current', undefined, cashier))?.user.id as string;
    expect(await t.call('shift.cashMovement', { direction: 'out', amountFen: 500, reason: '交款', authorize: { userId: cashierId, pin: '1111' } }, cashier)).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
    const after = snapshot(t);
    // A wrong PIN is audited (checkPin) but moves no money.
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });

    const out = await t.must('shift.cashMovement', { direction: 'out', amountFen: 500, reason: '交款', authorize: { userId: 'manager', pin: TEST_MANAGER_PIN } }, cashier);
    expect(out.movement).toMatchObject({ direction: 'out', actor: cashierId, authorizedBy: 'manager' });
    expect(out.shift.figures).toMatchObject({ cashInFen: 500, cashOutFen: 500, expectedCashFen: 10_000 });
    // The manager's own session approves by itself.
    expect((await t.must('shift.cashMovement', { direction: 'out', amountFen: 100, reason: '交款' })).movement.authorizedBy).toBe('manager');

    expect(await t.call('shift.list', undefined, cashier)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    const closed = await t.must('shift.close', { countedCashFen: 9_950 }, cashier);
    expect(closed).toMatchObject({ closedBy: cashierId, differenceFen: 50 });
    expect((await t.must('shift.list')).map((s) => s.id)).toEqual([shift.id]);
  });

  it('invalid payloads are VALIDATION and change nothing', async () => {
    t = await startPaymentsHost();
    expect(await t.call('shift.open', { openingFloatFen: -1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.call('shift.open', { openingFloatFen: 10.5 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.call('shift.open', {} as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(snapshot(t).shifts).toEqual([]);

    await t.must('shift.open', { openingFloatFen: 1_000 });
    const before = snapshot(t);
    const bad: unknown[] = [
      { direction: 'in', amountFen: 0, reason: 'x' },
      { direction: 'in', amountFen: -5, reason: 'x' },
      { direction: 'in', amountFen: 1.5, reason: 'x' },
      { direction: 'in', amountFen: '100', reason: 'x' },
      { direction: 'sideways', amountFen: 100, reason: 'x' },
      { direction: 'in', amountFen: 100 },
      { direction: 'in', amountFen: 100, reason: '' },
      { direction: 'in', amountFen: 100, reason: '   ' },
      { direction: 'in', amountFen: 100, reason: 'x'.repeat(257) },
      { direction: 'in', amountFen: 100, reason: 'x', extra: true },
      { direction: 'in', amountFen: 100, reason: 'x', requestId: 'not an id!' },
    ];
    for (const input of bad) expect(await t.call('shift.cashMovement', input as never), JSON.stringify(input).slice(0, 80)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    for (const input of [{ countedCashFen: -1 }, { countedCashFen: 99.9 }, { countedCashFen: 100, note: 'n'.repeat(501) }, { countedCashFen: 100, extra: 1 }, {}]) {
      expect(await t.call('shift.close', input as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await t.call('shift.list', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(snapshot(t)).toEqual(before);
    // A reason of exactly 256 characters is fine, trimmed.
    const ok = await t.must('shift.cashMovement', { direction: 'in', amountFen: 100, reason: ` ${'x'.repeat(256)} ` });
    expect(ok.movement.reason).toHaveLength(256);
  });

  it('needs a session', async () => {
    t = await startPaymentsHost();
    const anonymous = t.host.connect();
    expect(await t.call('shift.current', undefined, anonymous)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } });
    expect(await t.call('shift.open', { openingFloatFen: 0 }, anonymous)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } });
  });
});
