import { type TestHost, startTestHost } from '../../../testing/host-fixture';
import { type HostConfig } from '../../../host';
import { type CommittedRecord } from '../../../services/records';
import { type AnyEvent } from '../../../../shared/api/contract';
import { type SettingsPatch } from '../../../../shared/settings';
import { type ChannelTiming } from '../../../../shared/sales/payment-settings';
import { type Clock } from '../../../clock';
import { type FakeChannel, createFakeChannel } from './fake-channel';

/** Test host with payments: captured outbox records and events, clock + I/O driving helpers, code factories. */
export type PaymentsTestHost = TestHost & {
  records: CommittedRecord[];
  events: AnyEvent[];
  /** Let pending promises and I/O callbacks run (no clock movement). */
  flush(rounds?: number): Promise<void>;
  /** Move the injected clock, letting I/O settle between small steps. */
  advance(ms: number, stepMs?: number): Promise<void>;
  /** Poll (real time, bounded) until `pred` holds, advancing the clock by `advanceMs` per round. */
  until(pred: () => boolean | Promise<boolean>, opts?: { advanceMs?: number; timeoutMs?: number; what?: string }): Promise<void>;
  openSale(totalFen: number): Promise<string>;
};

/** A payments host whose WeChat gateway is a scriptable fake (the common setup of engine tests). */
export async function startWechatHost(): Promise<{ t: PaymentsTestHost; wx: FakeChannel }> {
  const wx = createFakeChannel('wechat');
  return { t: await startPaymentsHost({ payments: { fakes: { wechat: wx } } }), wx };
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startPaymentsHost(config: Partial<HostConfig> = {}, settings?: SettingsPatch): Promise<PaymentsTestHost> {
  const base = await startTestHost(config);
  const records: CommittedRecord[] = [];
  const events: AnyEvent[] = [];
  const attach = (): void => {
    base.host.ctx.records.addSink((_db, r) => void records.push(r));
    base.host.subscribe((e) => void events.push(e));
  };
  attach();
  await base.loginManager();
  if (settings) await base.must('settings.update', settings);
  const restart = base.restart.bind(base);
  const t = base as PaymentsTestHost;
  t.records = records;
  t.events = events;
  t.restart = async (between) => {
    await restart(between);
    attach();
    await t.loginManager();
  };
  t.flush = async (rounds = 8) => {
    for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
  };
  t.advance = async (ms, stepMs = 1_000) => {
    for (let left = ms; left > 0; left -= stepMs) {
      t.clock.advance(Math.min(stepMs, left));
      await t.flush();
    }
  };
  t.until = async (pred, opts = {}) => {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      await t.flush();
      if (await pred()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'condition'}`);
      if (opts.advanceMs) t.clock.advance(opts.advanceMs);
      await realSleep(2);
    }
  };
  t.openSale = async (totalFen) => {
    const sale = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: totalFen });
    return sale.id;
  };
  return t;
}

let seq = 0;
/** Fresh codes per wallet (single use, like the real thing). */
export const codes = {
  wechat: (): string => `13${String(Date.now() % 1e8).padStart(8, '0')}${String(++seq).padStart(8, '0')}`,
  alipay: (): string => `28${String(Date.now() % 1e8).padStart(8, '0')}${String(++seq).padStart(8, '0')}`,
  unionpay: (): string => `62${String(Date.now() % 1e8).padStart(8, '0')}${String(++seq).padStart(9, '0')}`,
  jdpay: (): string => `18${String(Date.now() % 1e8).padStart(8, '0')}${String(++seq).padStart(8, '0')}`,
};

/** Short timings for tests (same shape as the official ones, scaled down). */
export const fastTiming = (over: Partial<ChannelTiming> = {}): ChannelTiming => ({
  requestTimeoutMs: 1_000,
  firstQueryMs: 500,
  queryIntervalMs: 1_000,
  payDeadlineMs: 5_000,
  minReverseAfterMs: 0,
  reverseRetryMs: 500,
  reverseWindowHours: 24,
  ...over,
});

/** A clock a sandbox can be started with before the test host exists; bound to the host's manual clock after. */
export function lateClock(): Clock & { bind(c: Clock): void } {
  let target: Clock | undefined;
  const get = (): Clock => {
    if (!target) throw new Error('clock not bound');
    return target;
  };
  return { bind: (c) => void (target = c), now: () => get().now(), setTimeout: (fn, ms) => get().setTimeout(fn, ms) };
}
