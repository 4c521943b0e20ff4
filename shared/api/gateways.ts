import { z } from 'zod';

/**
 * Live payment gateways (terminal mode `live`): endpoints, merchant ids and keys. A manager sets them
 * through `payment.setGateways`; the host keeps them as a secret and only ever answers with a redacted
 * view (which gateways, endpoints, merchant ids, a key fingerprint), never the keys themselves.
 */

/** An endpoint shows to managers as it is: no user name, password, query or fragment in it. */
const noCredentials = (u: string): boolean => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(u) && !/[?#]/.test(u);
/**
 * Live endpoints are HTTPS: payment codes travel in the requests, and some answers that are believed
 * carry no signature (Jeepay's 订单不存在). Plain http only to this machine (a local gateway or a test).
 */
const httpUrl = z
  .string()
  .max(500)
  .url()
  .refine((u) => /^https:\/\//i.test(u) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/i.test(u), 'must be an https URL (plain http only to 127.0.0.1/localhost)')
  // Credentials go in the key fields (kept secret); an endpoint is shown to managers as it is.
  .refine(noCredentials, 'must not carry a user name, password or query string: put keys in their own fields');
const id = (max: number) => z.string().trim().min(1).max(max);
const pem = z.string().min(1).max(16_000);

/** An IPv4 address (each part 0-255) or an IPv6 one: what WeChat's spbill_create_ip takes. */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipAddress = z.string().refine((v) => IPV4.test(v) || (/^[0-9A-Fa-f:.]{2,45}$/.test(v) && v.includes(':')), 'must be an IPv4 or IPv6 address');

/**
 * WeChat Pay API v2 (micropay). `apiKey` is the 32-character API v2 key. Over https (the real gateway) the
 * merchant API certificate is required: reverse and refund (/secapi/) refuse any request without it, and an
 * unclear payment that cannot be reversed is money held from the customer.
 */
export const wechatGatewaySchema = z.strictObject({
  baseUrl: httpUrl,
  appId: id(64),
  mchId: id(32),
  apiKey: z.string().length(32, 'WeChat API v2 keys are 32 characters'),
  /** Service-provider (服务商) mode: the shop's sub-merchant. */
  subMchId: id(32).optional(),
  subAppId: id(64).optional(),
  signType: z.enum(['MD5', 'HMAC-SHA256']).optional(),
  /** spbill_create_ip as WeChat wants it (the till's IP). */
  clientIp: ipAddress.optional(),
  /** The merchant API certificate WeChat requires for reverse and refund (/secapi/). */
  tls: z
    .strictObject({
      /** apiclient_cert.p12, base64. */
      pfxBase64: z.string().max(32_000).regex(/^[A-Za-z0-9+/=\s]+$/, 'must be base64').optional(),
      passphrase: z.string().max(200).optional(),
      certPem: pem.optional(),
      keyPem: pem.optional(),
    })
    .optional(),
}).refine((w) => !/^https:/i.test(w.baseUrl) || !!w.tls?.pfxBase64 || (!!w.tls?.certPem && !!w.tls.keyPem), {
  message: 'WeChat needs its merchant API client certificate (apiclient_cert.p12 as pfxBase64, or certPem and keyPem) for reverse and refund',
  path: ['tls'],
});

/** Alipay open platform (`alipay.trade.*`, RSA2). Keys as PEM or bare base64. */
export const alipayGatewaySchema = z.strictObject({
  gatewayUrl: httpUrl,
  appId: id(32),
  appPrivateKey: pem,
  alipayPublicKey: pem,
  /** Service-provider mode: the merchant's app_auth_token. */
  appAuthToken: id(128).optional(),
});

export const unionpayGatewaySchema = z.strictObject({ baseUrl: httpUrl, merId: id(32), key: z.string().min(8).max(256) });

/** A Jeepay-compatible aggregator (one endpoint for every wallet's code). */
export const jeepayGatewaySchema = z.strictObject({ baseUrl: httpUrl, mchNo: id(64), appId: id(64), apiKey: z.string().min(8).max(256) });

/** What is stored: the gateways a live till may use. */
export const liveGatewaysSchema = z.strictObject({
  wechat: wechatGatewaySchema.optional(),
  alipay: alipayGatewaySchema.optional(),
  unionpay: unionpayGatewaySchema.optional(),
  jeepay: jeepayGatewaySchema.optional(),
});
export type LiveGateways = z.infer<typeof liveGatewaysSchema>;

/** A change: a gateway given replaces that gateway, `null` removes it, one left out stays as it is. */
export const setGatewaysInputSchema = z.strictObject({
  wechat: wechatGatewaySchema.nullable().optional(),
  alipay: alipayGatewaySchema.nullable().optional(),
  unionpay: unionpayGatewaySchema.nullable().optional(),
  jeepay: jeepayGatewaySchema.nullable().optional(),
});
export type SetGatewaysInput = z.input<typeof setGatewaysInputSchema>;

/** One configured gateway as the UI may see it: no key, only a short fingerprint to tell keys apart. */
export const gatewaySummarySchema = z.strictObject({
  endpoint: z.string().max(500),
  merchant: z.string().max(200),
  /** First 8 hex digits of SHA-256 over the key(s). */
  keyFingerprint: z.string().max(16),
  /** E.g. `HMAC-SHA256`, `service provider`, `client certificate`. */
  notes: z.array(z.string().max(64)).max(8),
});
export type GatewaySummary = z.infer<typeof gatewaySummarySchema>;

export const gatewaysViewSchema = z.strictObject({
  /** The terminal's mode now: live gateways are used only in `live`. */
  mode: z.enum(['sandbox', 'live']),
  updatedAt: z.string().max(40).nullable(),
  wechat: gatewaySummarySchema.nullable(),
  alipay: gatewaySummarySchema.nullable(),
  unionpay: gatewaySummarySchema.nullable(),
  jeepay: gatewaySummarySchema.nullable(),
  /** Set when the stored configuration cannot be used (the till then refuses codes and says why). */
  problem: z.string().max(500).nullable(),
});
export type GatewaysView = z.infer<typeof gatewaysViewSchema>;
