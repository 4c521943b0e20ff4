import { z } from 'zod';

/**
 * Wallets a customer's payment code can belong to. The classifier decides which one a scanned code is;
 * which gateway (adapter) then charges it is the host's routing decision, not this enum's.
 */
export const PAYMENT_CHANNELS = ['wechat', 'alipay', 'unionpay', 'jdpay', 'qqwallet', 'baidu', 'ecny'] as const;
export const paymentChannelSchema = z.enum(PAYMENT_CHANNELS);
export type PaymentChannel = z.infer<typeof paymentChannelSchema>;
