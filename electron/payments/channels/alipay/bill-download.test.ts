import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCode, freshOrderNo, startSandboxFixture, type SandboxFixture } from '../../../sandbox/testing';
import { httpSend, type HttpRequest, type HttpResponse } from '../transport';

// The Alipay adapter's bill download against the sandbox, which serves the day's bill as Alipay does: a
// signed answer with a URL, and at that URL a ZIP of GBK CSV files. The download can be tampered with.

const DAY = 24 * 3600 * 1000;
type Tamper = ((res: HttpResponse) => HttpResponse) | 'refuse' | null;
let tamper: Tamper = null;
const downloads: HttpRequest[] = [];

async function send(req: HttpRequest): Promise<HttpResponse> {
  if (req.method !== 'GET') return httpSend(req);
  downloads.push(req);
  if (tamper === 'refuse') return httpSend({ ...req, url: 'http://127.0.0.1:1/closed' });
  const res = await httpSend(req);
  return tamper ? tamper(res) : res;
}

describe('Alipay bill download (ZIP of GBK CSV) through the adapter', () => {
  let f: SandboxFixture;
  let date = '';
  const paid: { orderNo: string; amountFen: number }[] = [];

  beforeAll(async () => {
    f = await startSandboxFixture({}, 2_000, { send });
    date = new Date(f.clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const ch = f.channels.alipay;
    for (const amountFen of [1_000, 2_345]) {
      const orderNo = freshOrderNo('B');
      expect(await ch.pay({ orderNo, authCode: freshCode('alipay'), amountFen, subject: '测试商品，含逗号' })).toMatchObject({ status: 'paid' });
      paid.push({ orderNo, amountFen });
    }
    const first = paid[0];
    if (!first) throw new Error('no payment');
    expect(await ch.refund({ orderNo: first.orderNo, refundNo: `${first.orderNo}R1`, totalFen: first.amountFen, refundFen: 300 })).toMatchObject({ status: 'succeeded' });
    f.clock.advance(DAY);
  });
  afterAll(async () => {
    await f.close();
  });

  it('downloads, unzips, decodes GBK and returns the same rows as the other adapters', async () => {
    tamper = null;
    const bill = await f.channels.alipay.downloadBill(date);
    expect(bill).toMatchObject({ status: 'ok', date, rejected: [] });
    if (bill.status !== 'ok') return;
    const [a, b] = paid;
    expect(bill.rows).toEqual([
      { kind: 'payment', orderNo: a?.orderNo, transactionId: expect.any(String), amountFen: 1_000, status: '交易', time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) },
      { kind: 'payment', orderNo: b?.orderNo, transactionId: expect.any(String), amountFen: 2_345, status: '交易', time: expect.any(String) },
      { kind: 'refund', orderNo: a?.orderNo, transactionId: expect.any(String), amountFen: 300, status: '退款', time: expect.any(String), refundNo: `${a?.orderNo}R1` },
    ]);
    expect(bill.raw).toContain('#支付宝业务明细查询');
    expect(downloads.at(-1)?.url).toMatch(/\/__sandbox\/download\//);
  });

  it('a broken download is a typed bad_bill; a failed one is a transport outcome', async () => {
    tamper = (res) => ({ ...res, body: res.body.subarray(0, res.body.length - 30) });
    expect(await f.channels.alipay.downloadBill(date)).toMatchObject({ status: 'bad_bill', code: 'CORRUPT_ZIP' });
    tamper = (res) => ({ ...res, body: Buffer.from('<html>file expired</html>') });
    expect(await f.channels.alipay.downloadBill(date)).toMatchObject({ status: 'bad_bill', code: 'NOT_ZIP', message: expect.stringContaining('<html>') });
    tamper = (res) => ({ ...res, status: 404 });
    expect(await f.channels.alipay.downloadBill(date)).toMatchObject({ status: 'unknown', code: 'HTTP_404' });
    tamper = 'refuse';
    expect((await f.channels.alipay.downloadBill(date)).status).toBe('not_sent');
    tamper = null;
    expect((await f.channels.alipay.downloadBill(date)).status).toBe('ok');
  });
});
