import { createHash } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { type Db } from '../../db/open';
import { PosError } from '../../../shared/api/result';
import { type GatewaySummary, type GatewaysView, type LiveGateways, type SetGatewaysInput, liveGatewaysSchema } from '../../../shared/api/gateways';
import { getSecret, setSecret } from '../../services/settings-store';
import { stmt } from '../../db/stmt';
import { type ChannelsConfig, createChannels } from '../channels/index';

/** Secret holding the live gateways' configuration (endpoints and keys) as JSON: never in settings. */
export const LIVE_CHANNELS_SECRET = 'payments.channels';

/** Why a stored configuration cannot be used: the till refuses codes with this reason. */
export class LiveGatewaysError extends PosError {
  constructor(message: string) {
    super('CHANNEL_ERROR', message);
  }
}

const describe = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): string =>
  issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(config)'}: ${i.message}`)
    .join('; ');

/** The stored live gateways; `{}` when none. Throws LiveGatewaysError for a stored value that is unusable. */
export function readLiveGateways(db: Db): LiveGateways {
  const stored = getSecret(db, LIVE_CHANNELS_SECRET);
  if (stored === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    throw new LiveGatewaysError('live gateway configuration is unusable (set the gateways again): not JSON');
  }
  const parsed = liveGatewaysSchema.safeParse(json);
  if (!parsed.success) throw new LiveGatewaysError(`live gateway configuration is unusable (set the gateways again): ${describe(parsed.error.issues)}`);
  return parsed.data;
}

/** The adapters' configuration (the certificate decoded), without timeouts (the gateways add them). */
export function toChannelsConfig(live: LiveGateways): ChannelsConfig {
  const out: ChannelsConfig = {};
  if (live.wechat) {
    const { tls, ...w } = live.wechat;
    const hasTls = tls && (tls.pfxBase64 || tls.certPem || tls.keyPem);
    out.wechat = {
      ...w,
      ...(hasTls
        ? {
            tls: {
              ...(tls.pfxBase64 ? { pfx: Buffer.from(tls.pfxBase64.replace(/\s+/g, ''), 'base64') } : {}),
              ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
              ...(tls.certPem ? { cert: tls.certPem } : {}),
              ...(tls.keyPem ? { key: tls.keyPem } : {}),
            },
          }
        : {}),
    };
  }
  if (live.alipay) out.alipay = { ...live.alipay };
  if (live.unionpay) out.unionpay = { ...live.unionpay };
  if (live.jeepay) out.jeepay = { ...live.jeepay };
  return out;
}

const fingerprint = (...keys: (string | undefined)[]): string =>
  createHash('sha256')
    .update(keys.filter((k): k is string => k !== undefined).join('\n'))
    .digest('hex')
    .slice(0, 8);

function summaries(live: LiveGateways): Pick<GatewaysView, 'wechat' | 'alipay' | 'unionpay' | 'jeepay'> {
  const w = live.wechat;
  const a = live.alipay;
  const wechat: GatewaySummary | null = w
    ? {
        endpoint: w.baseUrl,
        merchant: [`mch_id ${w.mchId}`, `appid ${w.appId}`, ...(w.subMchId ? [`sub_mch_id ${w.subMchId}`] : [])].join(', '),
        keyFingerprint: fingerprint(w.apiKey),
        notes: [w.signType ?? 'HMAC-SHA256', ...(w.subMchId ? ['service provider'] : []), ...(w.tls?.pfxBase64 || w.tls?.certPem ? ['client certificate'] : ['no client certificate'])],
      }
    : null;
  const alipay: GatewaySummary | null = a
    ? { endpoint: a.gatewayUrl, merchant: `app_id ${a.appId}`, keyFingerprint: fingerprint(a.appPrivateKey, a.alipayPublicKey), notes: ['RSA2', ...(a.appAuthToken ? ['service provider'] : [])] }
    : null;
  const unionpay: GatewaySummary | null = live.unionpay
    ? { endpoint: live.unionpay.baseUrl, merchant: `merId ${live.unionpay.merId}`, keyFingerprint: fingerprint(live.unionpay.key), notes: [] }
    : null;
  const jeepay: GatewaySummary | null = live.jeepay
    ? { endpoint: live.jeepay.baseUrl, merchant: `mchNo ${live.jeepay.mchNo}, appId ${live.jeepay.appId}`, keyFingerprint: fingerprint(live.jeepay.apiKey), notes: ['MD5'] }
    : null;
  return { wechat, alipay, unionpay, jeepay };
}

/** The redacted view for the manager's screen: never a key. */
export function liveGatewaysView(db: Db, mode: GatewaysView['mode']): GatewaysView {
  const updatedAt = (stmt(db, 'SELECT updated_at FROM secrets WHERE key = ?').get(LIVE_CHANNELS_SECRET) as { updated_at: string } | undefined)?.updated_at ?? null;
  try {
    return { mode, updatedAt, ...summaries(readLiveGateways(db)), problem: null };
  } catch (e) {
    return { mode, updatedAt, wechat: null, alipay: null, unionpay: null, jeepay: null, problem: e instanceof Error ? e.message.slice(0, 500) : 'unusable' };
  }
}

/** A wrong passphrase or a broken certificate is found now, not at the first reverse or refund. */
function certificateReadable(tls: NonNullable<NonNullable<ChannelsConfig['wechat']>['tls']>): void {
  try {
    createSecureContext(tls);
  } catch (e) {
    throw new PosError('VALIDATION', `WeChat client certificate cannot be used: ${e instanceof Error ? e.message.slice(0, 200) : 'unreadable'}`);
  }
}

/**
 * Applies a change (given: replace, null: remove, left out: keep) and stores it, inside the caller's
 * transaction. Every gateway that results is built once first: an unusable key is refused here with the
 * adapter's reason (VALIDATION) instead of at the next customer's payment. A stored value that is itself
 * unusable is replaced by the change alone.
 */
/** JSON with object keys sorted, so two equal configurations compare equal whatever their key order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x)) ?? 'undefined';

export function saveLiveGateways(db: Db, change: SetGatewaysInput, at: string): { live: LiveGateways; changed: string[] } {
  let current: LiveGateways;
  let unusable = false;
  try {
    current = readLiveGateways(db);
  } catch {
    current = {};
    unusable = true;
  }
  const next: LiveGateways = { ...current };
  const named: ('wechat' | 'alipay' | 'unionpay' | 'jeepay')[] = [];
  for (const id of ['wechat', 'alipay', 'unionpay', 'jeepay'] as const) {
    const v = change[id];
    if (v === undefined) continue;
    named.push(id);
    if (v === null) delete next[id];
    else (next as Record<string, unknown>)[id] = v;
  }
  const checked = liveGatewaysSchema.safeParse(next);
  if (!checked.success) throw new PosError('VALIDATION', describe(checked.error.issues));
  // What really differs from what was stored (the same configuration pasted again changes nothing); over an
  // unusable stored value, everything named does.
  const changed = named.filter((id) => unusable || canonical(current[id]) !== canonical(checked.data[id]));
  try {
    const config = toChannelsConfig(checked.data);
    createChannels(config);
    const tls = config.wechat?.tls;
    if (tls) certificateReadable(tls);
  } catch (e) {
    throw new PosError('VALIDATION', e instanceof Error ? e.message.slice(0, 300) : 'gateway configuration is unusable');
  }
  setSecret(db, LIVE_CHANNELS_SECRET, JSON.stringify(checked.data), at);
  return { live: checked.data, changed };
}

/**
 * A stored configuration the schema no longer takes, read as far as it goes: its merchant ids still say
 * whose orders are open. Not JSON at all: nothing can be told (setting it again is the only repair).
 */
function looseLiveGateways(db: Db): LiveGateways {
  try {
    const parsed: unknown = JSON.parse(getSecret(db, LIVE_CHANNELS_SECRET) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    // A gateway counts only with its merchant id readable (unknowable otherwise); merchantOf reads the rest.
    const idField: Record<string, string> = { wechat: 'mchId', alipay: 'appId', unionpay: 'merId', jeepay: 'mchNo' };
    const entries = Object.entries(parsed).filter(([g, v]) => {
      const field = idField[g];
      return field !== undefined && typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[field] === 'string';
    });
    return Object.fromEntries(entries) as LiveGateways;
  } catch {
    return {};
  }
}

/** Who a gateway's orders belong to: the merchant ids. Endpoint, keys and certificate do not move them. */
function merchantOf(live: LiveGateways, g: keyof LiveGateways): string | null {
  const w = live.wechat;
  const a = live.alipay;
  switch (g) {
    case 'wechat':
      return w ? JSON.stringify([w.mchId, w.appId, w.subMchId ?? null, w.subAppId ?? null]) : null;
    case 'alipay':
      return a ? JSON.stringify([a.appId, a.appAuthToken ?? null]) : null;
    case 'unionpay':
      return live.unionpay ? JSON.stringify([live.unionpay.merId]) : null;
    case 'jeepay':
      return live.jeepay ? JSON.stringify([live.jeepay.mchNo, live.jeepay.appId]) : null;
  }
}

/**
 * The gateways a change would take open orders away from: one removed, or given another merchant. A
 * gateway added, or the same merchant at a new endpoint or with new keys (a moved address, a rotated key,
 * a repaired configuration), strands nothing: its orders are asked about where they are. A stored
 * configuration the schema no longer takes is judged by the merchant ids still readable in it.
 */
export function gatewaysStrandedBy(db: Db, change: SetGatewaysInput): (keyof LiveGateways)[] {
  let current: LiveGateways;
  try {
    current = readLiveGateways(db);
  } catch {
    current = looseLiveGateways(db);
  }
  return (['wechat', 'alipay', 'unionpay', 'jeepay'] as const).filter((g) => {
    const v = change[g];
    if (v === undefined || current[g] === undefined) return false;
    if (v === null) return true;
    return merchantOf(current, g) !== merchantOf({ [g]: v } as LiveGateways, g);
  });
}
