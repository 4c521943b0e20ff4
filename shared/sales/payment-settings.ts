import { z } from 'zod';

/**
 * The `payments` settings section: which gateway charges each wallet, which optional wallets are on,
 * per-gateway timings (the channels' official query/reverse schedules by default) and amount limits.
 */
const route = z.enum(['direct', 'aggregator']);
const ms = (max: number) => z.number().int().min(0).max(max);

export const channelTimingSchema = z.strictObject({
  /** One HTTP request's deadline; after it the answer is unknown (pending), never "failed". */
  requestTimeoutMs: ms(120_000).min(100),
  /** First query after an unknown answer (WeChat: ~5 s after SYSTEMERROR). */
  firstQueryMs: ms(60_000),
  /** Query interval while the customer enters the password or the result is unknown. */
  queryIntervalMs: ms(60_000).min(50),
  /** From the pay request: still unclear at this point → reverse/cancel (WeChat 45 s, Alipay ~60 s). */
  payDeadlineMs: ms(600_000).min(100),
  /** Reverse no sooner than this after the pay request (WeChat: 15 s). */
  minReverseAfterMs: ms(600_000),
  /** Wait before calling reverse again (recall=Y / retry_flag=Y, or no answer). */
  reverseRetryMs: ms(600_000).min(50),
  /** Reverse/cancel is only allowed this long after the payment (WeChat 7 days, Alipay 24 h); then refund. */
  reverseWindowHours: z.number().int().min(1).max(24 * 365),
});
export type ChannelTiming = z.infer<typeof channelTimingSchema>;

export const paymentSettingsSchema = z.strictObject({
  routing: z.strictObject({ wechat: route, alipay: route, unionpay: route }),
  /** Optional wallets go through the aggregator only; the JD 62+19 form collides with UnionPay. */
  wallets: z.strictObject({
    wechat: z.boolean(),
    alipay: z.boolean(),
    unionpay: z.boolean(),
    jdpay: z.boolean(),
    jdpayTakes62: z.boolean(),
    qqwallet: z.boolean(),
    baidu: z.boolean(),
    ecny: z.boolean(),
  }),
  timings: z.strictObject({ wechat: channelTimingSchema, alipay: channelTimingSchema, unionpay: channelTimingSchema, jeepay: channelTimingSchema }),
  /** Largest single code payment per gateway, in fen. */
  maxAmountFen: z.strictObject({
    wechat: z.number().int().min(1).max(10_000_000_000),
    alipay: z.number().int().min(1).max(10_000_000_000),
    unionpay: z.number().int().min(1).max(10_000_000_000),
    jeepay: z.number().int().min(1).max(10_000_000_000),
  }),
  /** A charge confirmed later than this after it started (e.g. after a crash) is given back, not kept. */
  abandonAfterMinutes: z.number().int().min(1).max(24 * 60),
});
export type PaymentSettings = z.infer<typeof paymentSettingsSchema>;

export const DEFAULT_PAYMENT_SETTINGS: PaymentSettings = {
  routing: { wechat: 'direct', alipay: 'direct', unionpay: 'direct' },
  wallets: { wechat: true, alipay: true, unionpay: true, jdpay: false, jdpayTakes62: false, qqwallet: false, baidu: false, ecny: false },
  timings: {
    // WeChat micropay: SYSTEMERROR → query after ~5 s; USERPAYING → every ~10 s up to 45 s; reverse ≥ 15 s after pay, 7 days.
    wechat: { requestTimeoutMs: 15_000, firstQueryMs: 5_000, queryIntervalMs: 10_000, payDeadlineMs: 45_000, minReverseAfterMs: 15_000, reverseRetryMs: 5_000, reverseWindowHours: 7 * 24 },
    // Alipay bar_code: query every 3-6 s for ~60 s, cancel right after the last query, cancel within 24 h.
    alipay: { requestTimeoutMs: 15_000, firstQueryMs: 3_000, queryIntervalMs: 5_000, payDeadlineMs: 60_000, minReverseAfterMs: 0, reverseRetryMs: 5_000, reverseWindowHours: 24 },
    unionpay: { requestTimeoutMs: 15_000, firstQueryMs: 5_000, queryIntervalMs: 5_000, payDeadlineMs: 60_000, minReverseAfterMs: 0, reverseRetryMs: 5_000, reverseWindowHours: 24 },
    jeepay: { requestTimeoutMs: 15_000, firstQueryMs: 3_000, queryIntervalMs: 5_000, payDeadlineMs: 60_000, minReverseAfterMs: 0, reverseRetryMs: 5_000, reverseWindowHours: 24 },
  },
  maxAmountFen: { wechat: 100_000_000, alipay: 100_000_000, unionpay: 100_000_000, jeepay: 100_000_000 },
  abandonAfterMinutes: 30,
};
