import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, startPaymentsHost } from '../payments/engine/testing/harness';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/**
 * docs/sync-protocol.md §6: "After `auth`, back off to the maximum delay and alert; do not hammer HQ with
 * requests it will refuse." An auth (or refused) answer right after a network failure: HQ answered, so the
 * network is up and a successful health probe must not cut the maximum backoff short.
 */
describe('auth refusal right after a network failure', () => {
  it('is retried after the maximum backoff, not at every health probe', async () => {
    let posts = 0;
    let networkDown = true;
    const fake = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (url.pathname === '/v1/health') {
        return new Response(JSON.stringify({ ok: true, service: 'pos-hq', protocolVersion: 1, time: new Date().toISOString() }), { status: 200 });
      }
      if (init?.method === 'POST') {
        posts++;
        if (networkDown) {
          networkDown = false;
          throw new TypeError('fetch failed');
        }
        // HQ answers now: the terminal's secret is wrong (a configuration problem).
        return new Response(JSON.stringify({ error: { code: 'bad_signature', message: 'signature does not match' } }), { status: 401 });
      }
      return new Response('{}', { status: 404 });
    }) as typeof fetch;
    t = await startPaymentsHost({ sync: { fetch: fake, random: () => 0.5, backoffBaseMs: 1000, backoffMaxMs: 60_000 } });
    const h = t;
    const sale = await h.openSale(100);
    await h.must('sale.tenderCash', { saleId: sale, givenFen: 100 });
    await h.must('sync.configure', { hqUrl: 'http://hq.invalid', secret: 'some-secret-123', intervalMs: 1000 });
    await h.until(() => posts >= 2, { what: 'network failure then 401', advanceMs: 1000 });
    const status = await h.must('sync.status');
    expect(status.lastError).toMatch(/401/);
    const before = posts;
    // One minute of the terminal's clock: the maximum backoff after an auth refusal is 60 s, so at most one
    // more upload should be attempted.
    await h.advance(60_000, 1_000);
    await h.flush(20);
    expect(posts - before).toBeLessThanOrEqual(1);
  });
});
