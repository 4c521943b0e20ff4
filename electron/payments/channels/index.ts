/**
 * Build the gateway adapters from configuration. The engine (electron/payments/engine) works only with the
 * `PaymentChannel` interface from ./types; which gateways exist is configuration, and the default
 * configuration points at the sandbox (`sandboxChannelConfig`).
 */
import { type AdapterDeps } from './common';
import { createAlipayChannel, type AlipayConfig } from './alipay/adapter';
import { createJeepayChannel, type JeepayConfig } from './jeepay/adapter';
import { type ChannelId, type PaymentChannel } from './types';
import { createUnionpayChannel, type UnionpayConfig } from './unionpay/adapter';
import { createWechatChannel, type WechatConfig } from './wechat/adapter';

export type ChannelsConfig = {
  wechat?: WechatConfig;
  alipay?: AlipayConfig;
  unionpay?: UnionpayConfig;
  /** A Jeepay-compatible aggregator: takes any wallet's code. */
  jeepay?: JeepayConfig;
};

export type Channels = Partial<Record<ChannelId, PaymentChannel>>;

/** Adapters for every configured gateway. Throws PosError('VALIDATION') on an unusable configuration. */
export function createChannels(config: ChannelsConfig, deps?: AdapterDeps): Channels {
  const out: Channels = {};
  if (config.wechat) out.wechat = createWechatChannel(config.wechat, deps);
  if (config.alipay) out.alipay = createAlipayChannel(config.alipay, deps);
  if (config.unionpay) out.unionpay = createUnionpayChannel(config.unionpay, deps);
  if (config.jeepay) out.jeepay = createJeepayChannel(config.jeepay, deps);
  return out;
}

/** What a running sandbox tells its clients (structurally the Sandbox from electron/sandbox). */
export type SandboxEndpoint = {
  url: string;
  keys: {
    wechat: { appId: string; mchId: string; apiKey: string };
    alipay: { appId: string; appPrivateKey: string; alipayPublicKey: string };
    unionpay: { merId: string; key: string };
    jeepay: { mchNo: string; appId: string; apiKey: string };
  };
};

/** Configuration for all four adapters pointing at a running sandbox. */
export function sandboxChannelConfig(sandbox: SandboxEndpoint, timeoutMs = 10_000): Required<ChannelsConfig> {
  const { url, keys } = sandbox;
  return {
    wechat: { baseUrl: url, appId: keys.wechat.appId, mchId: keys.wechat.mchId, apiKey: keys.wechat.apiKey, timeoutMs },
    alipay: { gatewayUrl: `${url}/gateway.do`, appId: keys.alipay.appId, appPrivateKey: keys.alipay.appPrivateKey, alipayPublicKey: keys.alipay.alipayPublicKey, timeoutMs },
    unionpay: { baseUrl: url, merId: keys.unionpay.merId, key: keys.unionpay.key, timeoutMs },
    jeepay: { baseUrl: url, mchNo: keys.jeepay.mchNo, appId: keys.jeepay.appId, apiKey: keys.jeepay.apiKey, timeoutMs },
  };
}

export type { AdapterDeps } from './common';
export type { AlipayConfig } from './alipay/adapter';
export type { JeepayConfig } from './jeepay/adapter';
export type { UnionpayConfig } from './unionpay/adapter';
export type { WechatConfig } from './wechat/adapter';
export type { SendFn, HttpRequest, HttpResponse, TlsClientOptions } from './transport';
export { httpSend, TransportError } from './transport';
export * from './types';
