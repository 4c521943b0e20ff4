import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, startPaymentsHost } from '../payments/engine/testing/harness';
import { ADMIN_TOKEN, SECRETS, type TestHq, rawFetch, startTestHq } from '../hq/test-hq';
import { entriesResponseSchema } from '../../shared/sync/protocol';

let t: PaymentsTestHost | undefined;
let hq: TestHq | undefined;
afterEach(async () => {
  await t?.dispose();
  await hq?.dispose();
  t = undefined;
  hq = undefined;
});

async function hqKeys(server: { url: string }, terminalId: string): Promise<string[]> {
  const r = await rawFetch(server, { method: 'GET', path: `/v1/entries?terminalId=${terminalId}&limit=5000`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return entriesResponseSchema.parse(r.json).entries.map((e) => e.idempotencyKey);
}

async function sell(h: PaymentsTestHost, totalFen: number): Promise<string> {
  const saleId = await h.openSale(totalFen);
  await h.must('sale.tenderCash', { saleId, givenFen: totalFen });
  return saleId;
}

describe('an entry HQ refused for a setup reason', () => {
  it('is sent again by a manager once it is fixed at HQ (sync.requeue), audited; one the till built badly stays parked', async () => {
    // HQ registers T03 bound to store S002; the till says S001 (its default): HQ rejects every entry.
    let now = (): number => Date.now();
    hq = await startTestHq({ clock: () => now() });
    t = await startPaymentsHost({ sync: { random: () => 0.5, backoffBaseMs: 1000, backoffMaxMs: 8000 } });
    const h = t;
    now = () => h.clock.now();
    await h.must('settings.update', { terminal: { id: 'T03' } });
    await h.must('sync.configure', { hqUrl: hq.url, secret: SECRETS.T03 });
    const first = await sell(h, 1234);
    await h.until(async () => (await h.must('sync.status')).parked === 1, { what: 'parked' });
    const [parked] = await h.must('sync.parked');
    expect(parked?.lastError).toMatch(/belongs to store S002/);

    // The HQ operator fixes the registration; the manager sends the parked sale again.
    const port = hq.port;
    hq = await hq.restart({ port, terminals: { T01: SECRETS.T01, T02: SECRETS.T02, T03: { secret: SECRETS.T03, storeId: 'S001' } } });
    const again = await h.must('sync.requeue', { seqs: [parked?.seq ?? 0, 999] });
    expect(again.requeued).toBe(1);
    await h.until(async () => (await hqKeys(hq as TestHq, 'T03')).includes(first), { what: 'first sale at HQ', advanceMs: 1000 });
    expect((await h.must('sync.status')).parked).toBe(0);
    expect(h.host.ctx.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'sync.requeue'").pluck().get()).toBe(1);

    // An entry the till could not build (too large, not serialisable) is not sent again: nothing to fix at HQ.
    h.host.ctx.db.prepare("UPDATE outbox SET state = 'parked', sent_at = NULL, last_error = 'entry is 300000 bytes, over 262144' WHERE idempotency_key = ?").run(first);
    const seq = h.host.ctx.db.prepare('SELECT seq FROM outbox WHERE idempotency_key = ?').pluck().get(first) as number;
    expect((await h.must('sync.requeue', { seqs: [seq] })).requeued).toBe(0);
    // Managers only.
    const cashier = h.host.connect();
    expect(await h.call('sync.requeue', { seqs: [seq] }, cashier)).toMatchObject({ ok: false });
  });
});
