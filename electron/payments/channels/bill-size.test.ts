import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxFixture, type SandboxFixture } from '../../sandbox/testing';
import { BILL_MAX_RESPONSE_BYTES, BILL_TIMEOUT_MS, httpSend, type HttpRequest } from './transport';
import { type ChannelId } from './types';

/**
 * A merchant account shared by several tills and stores has long daily bills: every gateway downloads its
 * bill with the bill limits (64 MiB, two minutes), not those of an ordinary answer (4 MiB, the request timeout).
 */
describe('daily bills larger than an ordinary answer', () => {
  let fx: SandboxFixture;
  const requests: HttpRequest[] = [];
  beforeAll(async () => {
    fx = await startSandboxFixture({}, 20_000, {
      send: (req) => {
        requests.push(req);
        return httpSend(req);
      },
    });
  });
  afterAll(() => fx.close());

  it('a WeChat bill over 4 MiB (17,500 orders) is downloaded and read whole', async () => {
    for (let i = 0; i < 17_500; i++) {
      const orderNo = `ORD${String(i).padStart(12, '0')}`;
      fx.sandbox.ledger.pay({ channel: 'wechat', orderNo, authCode: `13${String(i).padStart(16, '0')}`, amountFen: 1234, subject: '门店商品', fingerprint: `w${i}`, terminalId: `T${i % 50}` }, 'success');
    }
    fx.clock.advance(86_400_000);
    const day = new Date(fx.clock.now() - 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const bill = await fx.channels.wechat.downloadBill(day);
    expect(bill.status).toBe('ok');
    if (bill.status === 'ok') {
      expect(bill.rows).toHaveLength(17_500);
      expect(bill.raw.length).toBeGreaterThan(4 * 1024 * 1024);
    }
  });

  it('every gateway asks for its bill with the bill limit', async () => {
    const codes: Record<string, string> = { alipay: '280000000000000001', unionpay: '6200000000000000001', jeepay: '130000000000000099' };
    for (const [channel, authCode] of Object.entries(codes))
      fx.sandbox.ledger.pay({ channel: channel as ChannelId, orderNo: `ONE${channel}`, authCode, amountFen: 100, subject: 'x', fingerprint: channel }, 'success');
    const day = new Date(fx.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    fx.clock.advance(86_400_000);
    for (const id of ['alipay', 'unionpay', 'jeepay'] as ChannelId[]) {
      requests.length = 0;
      const bill = await fx.channels[id].downloadBill(day);
      if (id === 'alipay') expect(bill.status).toBe('ok');
      // Alipay answers with a link: the file is the second request, and it is the long one.
      const last = requests.at(-1);
      expect(last?.maxResponseBytes, id).toBe(BILL_MAX_RESPONSE_BYTES);
      expect(last?.timeoutMs, id).toBe(BILL_TIMEOUT_MS);
    }
  });
});
