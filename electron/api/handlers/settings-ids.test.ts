import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, startPaymentsHost } from '../../payments/engine/testing/harness';

// Records queued for HQ carry the terminal and store ids they were made under; HQ takes them only from that
// terminal. Renaming either while some wait would leave them refused for good.

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('settings.update and the ids records are queued under', () => {
  it('refuses a new terminal or store id while records wait for HQ; other settings still change', async () => {
    t = await startPaymentsHost();
    const saleId = await t.openSale(500);
    await t.must('sale.tenderCash', { saleId, givenFen: 500 });
    expect(await t.call('settings.update', { terminal: { ...t.host.ctx.settings().terminal, id: 'T02' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE', message: expect.stringContaining('1 record(s) still wait to go to HQ as terminal T01') },
    });
    expect(await t.call('settings.update', { store: { ...t.host.ctx.settings().store, id: 'S009' } })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(t.host.ctx.settings().terminal.id).toBe('T01');
    expect(await t.must('settings.update', { store: { ...t.host.ctx.settings().store, name: '新店' } })).toMatchObject({ store: { name: '新店' } });
    // Once HQ has them (here: marked sent), the id may change.
    t.host.ctx.db.prepare("UPDATE outbox SET state = 'sent', sent_at = '2026-11-25T02:00:00.000Z'").run();
    expect(await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, id: 'T02' } })).toMatchObject({ terminal: { id: 'T02' } });
  });

  it('a blank store or terminal name is refused (every receipt needs a name to print)', async () => {
    t = await startPaymentsHost();
    expect(await t.call('settings.update', { store: { ...t.host.ctx.settings().store, name: '   ' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.call('settings.update', { terminal: { ...t.host.ctx.settings().terminal, name: ' ' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.must('settings.update', { store: { ...t.host.ctx.settings().store, name: '  便利店 ' } })).toMatchObject({ store: { name: '便利店' } });
  });
});
