/**
 * The standalone sandbox's configuration file (`npm run sandbox -- --config <file.json>`, or the
 * SANDBOX_CONFIG environment variable): the merchant ids and keys the sandbox checks requests with and signs
 * answers with, and its port. A file that does not exist yet is created once with fresh keys, so the next
 * start (and a POS configured from the same file) reuses them. A broken file is refused with the field named.
 *
 *   {
 *     "port": 18080,
 *     "wechat":   { "appId": "…", "mchId": "…", "apiKey": "…" },
 *     "alipay":   { "appId": "…", "pid": "…", "appPrivateKey": "PEM", "appPublicKey": "PEM",
 *                   "alipayPrivateKey": "PEM", "alipayPublicKey": "PEM" },
 *     "unionpay": { "merId": "…", "key": "…" },
 *     "jeepay":   { "mchNo": "…", "appId": "…", "apiKey": "…" }
 *   }
 *
 * Alipay: the POS signs with appPrivateKey and the sandbox verifies with appPublicKey; the sandbox signs its
 * answers with alipayPrivateKey and the POS verifies them with alipayPublicKey. Each pair must match.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateSandboxKeys, type SandboxKeys } from './keys';

export const DEFAULT_SANDBOX_PORT = 18080;

export type SandboxConfig = { port?: number; keys: SandboxKeys };

/** A config file the sandbox cannot use: `field` is the JSON path of the culprit ("alipay.appPublicKey"). */
export class SandboxConfigError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`sandbox config ${file}: ${field}: ${problem}`);
    this.name = 'SandboxConfigError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SECTIONS = {
  wechat: ['appId', 'mchId', 'apiKey'],
  alipay: ['appId', 'pid', 'appPrivateKey', 'appPublicKey', 'alipayPrivateKey', 'alipayPublicKey'],
  unionpay: ['merId', 'key'],
  jeepay: ['mchNo', 'appId', 'apiKey'],
} as const;
const PEM_FIELDS = new Set<string>(['appPrivateKey', 'appPublicKey', 'alipayPrivateKey', 'alipayPublicKey']);

/** Validates a config file's text. Throws SandboxConfigError naming the first bad field. */
export function parseSandboxConfig(text: string, file = '(config)'): SandboxConfig {
  const bad = (field: string, problem: string): never => {
    throw new SandboxConfigError(file, field, problem);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, '')); // an editor's UTF-8 byte order mark is not an error
  } catch (e) {
    return bad('(file)', `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObj(raw)) return bad('(file)', 'must be a JSON object');
  for (const k of Object.keys(raw)) if (k !== 'port' && !(k in SECTIONS)) bad(k, `unknown field (expected port, ${Object.keys(SECTIONS).join(', ')})`);

  let port: number | undefined;
  if (raw.port !== undefined) {
    if (typeof raw.port !== 'number' || !Number.isInteger(raw.port) || raw.port < 0 || raw.port > 65_535) bad('port', 'must be an integer from 0 to 65535');
    port = raw.port as number;
  }

  /** The section's fields, checked; returns a reader of them. */
  const section = (name: keyof typeof SECTIONS): ((k: string) => string) => {
    const s = raw[name];
    if (s === undefined) return bad(name, 'missing');
    if (!isObj(s)) return bad(name, 'must be an object');
    const fields: readonly string[] = SECTIONS[name];
    for (const k of Object.keys(s)) if (!fields.includes(k)) bad(`${name}.${k}`, `unknown field (expected ${fields.join(', ')})`);
    const out: Record<string, string> = {};
    for (const k of fields) {
      const v = s[k];
      const field = `${name}.${k}`;
      if (v === undefined) bad(field, 'missing');
      if (typeof v !== 'string') return bad(field, 'must be a string');
      if (PEM_FIELDS.has(k)) {
        if (!v.includes('-----BEGIN ')) bad(field, 'must be a PEM key ("-----BEGIN …")');
      } else if (!/^[\x21-\x7e]{1,128}$/.test(v)) bad(field, 'must be 1 to 128 printable characters without spaces');
      out[k] = v;
    }
    return (k) => out[k] ?? bad(`${name}.${k}`, 'missing');
  };
  const wechat = section('wechat');
  const alipay = section('alipay');
  const unionpay = section('unionpay');
  const jeepay = section('jeepay');

  const rsa = (field: string, kind: 'private' | 'public'): KeyObject => {
    const pem = alipay(field);
    // createPublicKey would quietly derive a public key from a private one: say it is in the wrong place.
    if (kind === 'public' && pem.includes('PRIVATE KEY')) bad(`alipay.${field}`, 'holds a private key, a public key is expected');
    let key: KeyObject;
    try {
      key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    } catch (e) {
      return bad(`alipay.${field}`, `not a readable PEM ${kind} key (${e instanceof Error ? e.message : String(e)})`);
    }
    if (key.type !== kind) bad(`alipay.${field}`, `is a ${key.type} key, a ${kind} key is expected`);
    if (key.asymmetricKeyType !== 'rsa') bad(`alipay.${field}`, `must be an RSA key (RSA2), not ${key.asymmetricKeyType ?? 'unknown'}`);
    return key;
  };
  const der = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });
  for (const [priv, pub] of [['appPrivateKey', 'appPublicKey'], ['alipayPrivateKey', 'alipayPublicKey']] as const) {
    const privateKey = rsa(priv, 'private');
    const publicKey = rsa(pub, 'public');
    if (!der(createPublicKey(privateKey)).equals(der(publicKey))) bad(`alipay.${pub}`, `does not match alipay.${priv}`);
  }

  return {
    ...(port !== undefined ? { port } : {}),
    keys: {
      wechat: { appId: wechat('appId'), mchId: wechat('mchId'), apiKey: wechat('apiKey') },
      alipay: {
        appId: alipay('appId'), pid: alipay('pid'), appPrivateKey: alipay('appPrivateKey'), appPublicKey: alipay('appPublicKey'),
        alipayPrivateKey: alipay('alipayPrivateKey'), alipayPublicKey: alipay('alipayPublicKey'),
      },
      unionpay: { merId: unionpay('merId'), key: unionpay('key') },
      jeepay: { mchNo: jeepay('mchNo'), appId: jeepay('appId'), apiKey: jeepay('apiKey') },
    },
  };
}

export function serializeSandboxConfig(config: SandboxConfig): string {
  const { keys } = config;
  return `${JSON.stringify({ ...(config.port !== undefined ? { port: config.port } : {}), wechat: keys.wechat, alipay: keys.alipay, unionpay: keys.unionpay, jeepay: keys.jeepay }, null, 2)}\n`;
}

export type LoadOptions = {
  /** The port written into a new file (default 18080). */
  port?: number;
  /** Key generator for a new file (default: fresh random keys). */
  generate?: () => SandboxKeys;
};

/**
 * Reads the config file; if there is none, generates keys once and writes them there (owner-only, never
 * over an existing file) so the next start reuses them. Throws SandboxConfigError for a file it cannot use.
 */
export function loadOrCreateSandboxConfig(file: string, options: LoadOptions = {}): { config: SandboxConfig; created: boolean } {
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new SandboxConfigError(file, '(file)', `cannot be read (${code ?? String(e)})`);
  }
  if (text !== undefined) return { config: parseSandboxConfig(text, file), created: false };

  const config: SandboxConfig = { port: options.port ?? DEFAULT_SANDBOX_PORT, keys: (options.generate ?? generateSandboxKeys)() };
  const serialized = serializeSandboxConfig(config);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, serialized, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Created by someone else meanwhile: use theirs.
    if (code === 'EEXIST') return { config: parseSandboxConfig(fs.readFileSync(file, 'utf8'), file), created: false };
    throw new SandboxConfigError(file, '(file)', `cannot be written (${code ?? String(e)})`);
  }
  // What was written must load back: a config this module cannot read again is a bug here, not later.
  return { config: parseSandboxConfig(serialized, file), created: true };
}
