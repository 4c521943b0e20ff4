import { PosError } from '../../../shared/api/result';
import { type ClassifierOptions, classifyPaymentCode } from '../../../shared/payments/code';
import { type PaymentChannel as Wallet } from '../../../shared/payments/channel';
import { type ChannelTiming, type PaymentSettings } from '../../../shared/sales/payment-settings';
import { type Gateway } from '../../../shared/sales/views';

/**
 * From a scanned string to (wallet, gateway, limits): classify with the enabled wallets, route core wallets
 * direct or through the aggregator per settings, optional wallets always through the aggregator. Every
 * refusal is typed and happens before anything is sent.
 */
export type Route = { wallet: Wallet; gateway: Gateway; code: string; timing: ChannelTiming; maxAmountFen: number };

export function classifierOptions(p: PaymentSettings): ClassifierOptions {
  return { ...p.wallets };
}

export function gatewayFor(wallet: Wallet, p: PaymentSettings): Gateway {
  switch (wallet) {
    case 'wechat':
    case 'alipay':
    case 'unionpay':
      return p.routing[wallet] === 'direct' ? wallet : 'jeepay';
    default:
      return 'jeepay';
  }
}

const REJECTION_CODES = { EMPTY: 'CODE_EMPTY', NOT_DIGITS: 'CODE_NOT_DIGITS', UNSUPPORTED: 'CODE_UNSUPPORTED', DISABLED: 'CODE_DISABLED' } as const;

export function routeCode(raw: string, amountFen: number, p: PaymentSettings, available: (g: Gateway) => boolean): Route {
  const c = classifyPaymentCode(raw, classifierOptions(p));
  if (!c.ok) throw new PosError(REJECTION_CODES[c.reason], c.message);
  const gateway = gatewayFor(c.channel, p);
  if (!available(gateway)) throw new PosError('CODE_DISABLED', `no ${gateway} gateway is configured on this till`);
  const maxAmountFen = p.maxAmountFen[gateway];
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new PosError('AMOUNT_INVALID', 'amount must be a positive integer number of fen');
  if (amountFen > maxAmountFen) throw new PosError('AMOUNT_INVALID', `amount is above the ${gateway} limit of ${maxAmountFen} fen`);
  return { wallet: c.channel, gateway, code: c.code, timing: p.timings[gateway], maxAmountFen };
}
