import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, startPaymentsHost } from '../payments/engine/testing/harness';
import { ADMIN_TOKEN, SECRETS, type TestHq, rawFetch, startTestHq } from '../hq/test-hq';
import { type HqFault } from '../hq/faults';
import { entriesResponseSchema } from '../../shared/sync/protocol';

let t: PaymentsTestHost | undefined;
let hq: TestHq | undefined;
afterEach(async () => {
  await t?.dispose();
  await hq?.dispose();
  t = undefined;
  hq = undefined;
});

/** HQ on the host's manual clock; `next` faults apply to successive batch uploads. */
async function setup(opts: { batchSize?: number } = {}) {
  const faults: (HqFault | undefined)[] = [];
  let now = (): number => Date.now();
  hq = await startTestHq({ clock: () => now(), faults: ({ method, path }) => (method === 'POST' && path === '/v1/batches' ? faults.shift() : undefined) });
  t = await startPaymentsHost({ sync: { random: () => 0.5, backoffBaseMs: 1000, backoffMaxMs: 8000 } });
  const h = t;
  now = () => h.clock.now();
  await h.must('sync.configure', { hqUrl: hq.url, secret: SECRETS.T01, batchSize: opts.batchSize ?? 200 });
  return { t: h, hq, faults };
}

async function sell(h: PaymentsTestHost, totalFen: number): Promise<string> {
  const saleId = await h.openSale(totalFen);
  await h.must('sale.tenderCash', { saleId, givenFen: totalFen });
  return saleId;
}

async function hqKeys(server: { url: string }): Promise<string[]> {
  const r = await rawFetch(server, { method: 'GET', path: '/v1/entries?terminalId=T01&limit=5000', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return entriesResponseSchema.parse(r.json).entries.map((e) => e.idempotencyKey);
}

const drained = (h: PaymentsTestHost) => async () => {
  const s = await h.must('sync.status');
  return s.queued === 0 && s.sending === 0;
};

/** HQ behind a proxy refusing the first batch upload with 413 (its body limit); `posts()` counts uploads. */
async function behindProxy413() {
  let posts = 0;
  let now = (): number => Date.now();
  hq = await startTestHq({
    clock: () => now(),
    faults: ({ method, path }) => (method === 'POST' && path === '/v1/batches' && ++posts === 1 ? { kind: 'status', status: 413 } : undefined),
  });
  const h = (t = await startPaymentsHost({ sync: { random: () => 0.5, backoffBaseMs: 1000, backoffMaxMs: 60_000 } }));
  now = () => h.clock.now();
  return { h, server: hq, posts: () => posts };
}

describe('sync worker against the reference HQ', () => {
  it('drains in seq order in batches and marks entries sent on ack; status says so', async () => {
    const { t, hq } = await setup({ batchSize: 2 });
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await sell(t, i * 100));
    await t.until(drained(t), { what: 'drain' });
    expect(await hqKeys(hq)).toEqual(ids);
    const s = await t.must('sync.status');
    expect(s).toMatchObject({ enabled: true, secretSet: true, queued: 0, parked: 0, conflicts: 0, lastError: null, oldestUnsentAgeMs: null });
    expect(s.lastSuccessAt).not.toBeNull();
    expect(JSON.stringify(s)).not.toContain(SECRETS.T01);
    expect(t.events.some((e) => e.event === 'sync.status')).toBe(true);
  });

  it('partial acks: the unacked rest is resent and comes back duplicate, stored once', async () => {
    const { t, hq, faults } = await setup();
    await t.must('sync.configure', { hqUrl: '' });
    const ids = [await sell(t, 100), await sell(t, 200), await sell(t, 300)];
    faults.push({ kind: 'partial-ack', count: 1 });
    await t.must('sync.configure', { hqUrl: hq.url });
    await t.until(drained(t), { what: 'drain', advanceMs: 1000 });
    expect(await hqKeys(hq)).toEqual(ids);
    const attempts = t.host.ctx.db.prepare('SELECT attempts FROM outbox ORDER BY seq').all() as { attempts: number }[];
    expect(attempts.map((a) => a.attempts)).toEqual([1, 2, 2]);
  });

  it('an answer that acknowledges nothing, again and again, is retried with a growing delay and is no success', async () => {
    const { t, hq, faults } = await setup();
    await t.must('sync.configure', { hqUrl: '' });
    await sell(t, 100);
    for (let i = 0; i < 30; i++) faults.push({ kind: 'partial-ack', count: 0 });
    await t.must('sync.configure', { hqUrl: hq.url, intervalMs: 3_600_000 });
    await t.until(() => faults.length < 30, { what: 'first upload' });
    const before = faults.length;
    for (let i = 0; i < 60; i++) {
      t.clock.advance(1000);
      await new Promise((r) => setTimeout(r, 10));
    }
    // Backing off 1, 2, 4, 8, 8 … s (half of it with this jitter): under twenty tries in a minute, not one every
    // half second (all thirty queued answers would be used up).
    expect(before - faults.length).toBeLessThanOrEqual(20);
    expect(await t.must('sync.status')).toMatchObject({ queued: 1, lastSuccessAt: null, lastError: 'HQ acknowledged none of the batch' });
  });

  it('5xx, garbage, truncated and dropped answers are retried with backoff; nothing is lost or doubled', async () => {
    const { t, hq, faults } = await setup();
    await t.must('sync.configure', { hqUrl: '' });
    const ids = [await sell(t, 100), await sell(t, 250)];
    faults.push({ kind: 'status', status: 503 }, { kind: 'garbage', afterStore: true }, { kind: 'truncate' }, { kind: 'close-after-store' }, { kind: 'wrong-shape' });
    await t.must('sync.configure', { hqUrl: hq.url });
    await t.until(async () => (await t.must('sync.status')).lastError !== null, { what: 'first failure' });
    const first = await t.must('sync.status');
    expect(first.queued).toBe(2);
    expect(first.lastError).toMatch(/503/);
    expect(first.nextAttemptAt).not.toBeNull();
    // HQ answered (503): its trouble, not the network's. Connectivity stays online; the upload backs off.
    expect(t.host.ctx.connectivity.state()).toBe('online');
    await t.until(drained(t), { what: 'drain after faults', advanceMs: 2000 });
    expect(faults).toEqual([]);
    expect(await hqKeys(hq)).toEqual(ids);
    expect(t.host.ctx.connectivity.state()).toBe('online');
  });

  it('HQ down, then up: the queue waits, then drains when HQ answers again', async () => {
    const { t, hq: first } = await setup();
    const port = first.port;
    await first.close();
    const ids = [await sell(t, 100), await sell(t, 200)];
    await t.until(async () => (await t.must('sync.status')).lastError !== null, { what: 'first failure' });
    expect((await t.must('sync.status')).queued).toBe(2);
    const dir = first.dir;
    const h2 = await startTestHq({ port, clock: () => t.clock.now() }, dir);
    hq = h2;
    await t.until(drained(t), { what: 'drain after HQ is back', advanceMs: 2000 });
    expect(await hqKeys(h2)).toEqual(ids);
  });

  it('rejected entries are parked, conflicts are flagged and not resent', async () => {
    const { t, hq } = await setup();
    await t.must('sync.configure', { hqUrl: '' });
    const a = await sell(t, 100);
    const b = await sell(t, 200);
    const c = await sell(t, 300);
    const db = t.host.ctx.db;
    // b: made invalid after enqueue (HQ rejects it); c: another key with seq 1, as a copied database would send.
    db.prepare("UPDATE outbox SET entry = json_set(entry, '$.payload.totalFen', 999) WHERE idempotency_key = ?").run(b);
    await t.must('sync.configure', { hqUrl: hq.url });
    await t.until(drained(t), { what: 'drain' });
    db.prepare("UPDATE outbox SET state = 'pending', sent_at = NULL, entry = json_set(entry, '$.seq', 1) WHERE idempotency_key = ?").run(c);
    await t.must('sync.now');
    const s = await t.must('sync.status');
    expect(s).toMatchObject({ queued: 0, parked: 1, conflicts: 1 });
    expect((await t.must('sync.parked')).map((p) => [p.idempotencyKey, p.state])).toEqual([
      [b, 'parked'],
      [c, 'conflict'],
    ]);
    expect(await hqKeys(hq)).toEqual([a, c]);
  });

  it('a batch too large for a proxy on the way (413) is sent again in smaller batches, not unchanged for ever', async () => {
    const { h, server, posts } = await behindProxy413();
    const ids: string[] = [];
    for (let i = 1; i <= 4; i++) ids.push(await sell(h, i * 100));
    await h.must('sync.configure', { hqUrl: server.url, secret: SECRETS.T01 });
    await h.until(drained(h), { what: 'drained in halves', advanceMs: 1000 });
    expect(await hqKeys(server)).toEqual(ids);
    // The 4-entry batch refused, then two of 2 (a minute's wait unchanged would have been the old way).
    expect(posts()).toBe(3);
    expect(h.clock.now() - Date.parse((await h.must('sync.status')).lastSuccessAt ?? '')).toBeLessThan(10_000);
  });

  it('a single entry still too large for the proxy is parked (sent again later by a manager), and the rest goes on', async () => {
    const { h, server } = await behindProxy413();
    const big = await sell(h, 100);
    await h.must('sync.configure', { hqUrl: server.url, secret: SECRETS.T01 });
    await h.until(async () => (await h.must('sync.status')).parked === 1, { what: 'parked', advanceMs: 1000 });
    expect((await h.must('sync.parked'))[0]?.lastError).toMatch(/too large for the way to HQ/);
    const next = await sell(h, 200);
    await h.until(drained(h), { what: 'the next sale goes', advanceMs: 1000 });
    expect(await hqKeys(server)).toEqual([next]);
    const [parked] = await h.must('sync.parked');
    await h.must('sync.requeue', { seqs: [parked?.seq ?? 0] });
    await h.until(async () => (await hqKeys(server)).includes(big), { what: 'sent again', advanceMs: 1000 });
  });

  it('HQ refusing with the longest message its protocol allows still leaves a readable status', async () => {
    // Every request answered 400 with a valid error body whose message is at its 1000-character bound.
    const refusing = (async () =>
      new Response(JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'm'.repeat(1000) } }), { status: 400, headers: { 'content-type': 'application/json' } })) as typeof fetch;
    t = await startPaymentsHost({ sync: { fetch: refusing, random: () => 0.5, backoffBaseMs: 1000, backoffMaxMs: 8000 } });
    await sell(t, 100);
    expect(await t.call('sync.configure', { hqUrl: 'http://127.0.0.1:9', secret: SECRETS.T01 })).toMatchObject({ ok: true });
    const now = await t.must('sync.now');
    const status = await t.must('sync.status');
    expect(status.lastError).toMatch(/^HTTP 400/);
    expect(status.lastError?.length).toBeLessThanOrEqual(1000);
    expect(now.lastError?.length).toBeLessThanOrEqual(1000);
  });

  it('sync.configure is for managers and never returns the secret', async () => {
    const { t } = await setup();
    const cashier = t.host.connect();
    expect((await t.call('sync.configure', { hqUrl: '' }, cashier)).ok).toBe(false);
    const s = await t.must('sync.configure', { hqUrl: 'http://127.0.0.1:1', secret: 'another-secret-123' });
    expect(JSON.stringify(s)).not.toContain('another-secret');
    expect(JSON.stringify(await t.must('settings.get'))).not.toContain('another-secret');
    // Settings are public: a URL carrying a password or a token is refused, never stored.
    for (const hqUrl of ['https://t01:pw@hq.example.com', 'https://hq.example.com/?token=abc', 'https://hq.example.com/#x']) {
      expect(await t.call('sync.configure', { hqUrl })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect((await t.must('settings.get')).sync.hqUrl).toBe('http://127.0.0.1:1');
  });
});
