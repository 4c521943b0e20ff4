/** The standalone sandbox's config file: load, create once with fresh keys, refuse a broken one by field. */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannels, sandboxChannelConfig } from '../payments/channels/index';
import { DEFAULT_SANDBOX_PORT, loadOrCreateSandboxConfig, parseSandboxConfig, SandboxConfigError, serializeSandboxConfig } from './config';
import { type SandboxKeys } from './keys';
import { startSandbox } from './server';
import { freshCode, freshOrderNo, sharedKeys } from './testing';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-config-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

type Json = Record<string, unknown>;
const valid = (): Json => JSON.parse(serializeSandboxConfig({ port: 18080, keys: sharedKeys() })) as Json;
const section = (c: Json, name: string): Json => c[name] as Json;
const otherPair = generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

/** The error a broken config gets, as the CLI prints it. */
function problem(c: unknown): SandboxConfigError {
  try {
    parseSandboxConfig(typeof c === 'string' ? c : JSON.stringify(c), 'sandbox.json');
  } catch (e) {
    if (e instanceof SandboxConfigError) return e;
    throw e;
  }
  throw new Error('accepted a broken config');
}

describe('sandbox config file', () => {
  it('round-trips: what is written loads back to the same keys and port', () => {
    const c = parseSandboxConfig(JSON.stringify(valid()));
    expect(c).toEqual({ port: 18080, keys: sharedKeys() });
    const { port: _port, ...noPort } = valid();
    expect(parseSandboxConfig(JSON.stringify(noPort)).port).toBeUndefined();
    // Saved by an editor that writes a UTF-8 byte order mark.
    expect(parseSandboxConfig(`\uFEFF${JSON.stringify(valid())}`)).toEqual({ port: 18080, keys: sharedKeys() });
  });

  it.each<[string, (c: Json) => unknown, string | RegExp]>([
    ['not JSON', () => '{"port": 1,', /not valid JSON/],
    ['not an object', () => [], /must be a JSON object/],
    ['unknown top-level field', (c) => ({ ...c, wechatt: {} }), /^sandbox config sandbox\.json: wechatt: unknown field/],
    ['port out of range', (c) => ({ ...c, port: 70_000 }), 'port: must be an integer from 0 to 65535'],
    ['port as text', (c) => ({ ...c, port: '18080' }), 'port: must be an integer'],
    ['missing section', (c) => ({ ...c, unionpay: undefined }), 'unionpay: missing'],
    ['section not an object', (c) => ({ ...c, jeepay: 'x' }), 'jeepay: must be an object'],
    ['missing WeChat key', (c) => ({ ...c, wechat: { ...section(c, 'wechat'), apiKey: undefined } }), 'wechat.apiKey: missing'],
    ['WeChat key with a space', (c) => ({ ...c, wechat: { ...section(c, 'wechat'), apiKey: 'a b' } }), 'wechat.apiKey: must be 1 to 128 printable'],
    ['empty UnionPay key', (c) => ({ ...c, unionpay: { ...section(c, 'unionpay'), key: '' } }), 'unionpay.key: must be 1 to 128'],
    ['Jeepay key a number', (c) => ({ ...c, jeepay: { ...section(c, 'jeepay'), apiKey: 42 } }), 'jeepay.apiKey: must be a string'],
    ['misspelt field', (c) => ({ ...c, jeepay: { ...section(c, 'jeepay'), apikey: 'x' } }), 'jeepay.apikey: unknown field'],
    ['Alipay key not PEM', (c) => ({ ...c, alipay: { ...section(c, 'alipay'), appPublicKey: 'MIIBIjANBg' } }), 'alipay.appPublicKey: must be a PEM key'],
    ['Alipay key broken PEM', (c) => ({ ...c, alipay: { ...section(c, 'alipay'), alipayPrivateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' } }), 'alipay.alipayPrivateKey: not a readable PEM private key'],
    ['public key where the private one goes', (c) => ({ ...c, alipay: { ...section(c, 'alipay'), appPrivateKey: section(c, 'alipay').appPublicKey } }), 'alipay.appPrivateKey: not a readable PEM private key'],
    ['not RSA', (c) => ({ ...c, alipay: { ...section(c, 'alipay'), appPrivateKey: ecKey.privateKey, appPublicKey: ecKey.publicKey } }), 'alipay.appPrivateKey: must be an RSA key (RSA2), not ec'],
    ['private key where the public one goes', (c) => ({ ...c, alipay: { ...section(c, 'alipay'), alipayPublicKey: section(c, 'alipay').alipayPrivateKey } }), 'alipay.alipayPublicKey: holds a private key'],
    ['pair that does not match', (c) => ({ ...c, alipay: { ...section(c, 'alipay'), alipayPublicKey: otherPair.publicKey } }), 'alipay.alipayPublicKey: does not match alipay.alipayPrivateKey'],
  ])('refuses %s, naming the field', (_name, mutate, message) => {
    const e = problem(mutate(valid()));
    expect(e.message).toMatch(typeof message === 'string' ? new RegExp(`: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : message);
    expect(e.file).toBe('sandbox.json');
  });

  it('a missing file is created once with fresh keys (owner-only) and reused on the next load', () => {
    const file = path.join(dir, 'nested', 'sandbox.json');
    let generated = 0;
    const generate = (): SandboxKeys => {
      generated++;
      return sharedKeys();
    };
    const first = loadOrCreateSandboxConfig(file, { port: 19999, generate });
    expect(first).toEqual({ created: true, config: { port: 19999, keys: sharedKeys() } });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = loadOrCreateSandboxConfig(file, { generate });
    expect(second).toEqual({ created: false, config: first.config });
    expect(generated).toBe(1);
    const third = loadOrCreateSandboxConfig(path.join(dir, 'default-port.json'), { generate });
    expect(third.config.port).toBe(DEFAULT_SANDBOX_PORT);
  });

  it('by default a new file gets new random keys, and a sandbox started with them serves the POS configured from the file', async () => {
    const file = path.join(dir, 'random.json');
    const { config } = loadOrCreateSandboxConfig(file);
    expect(config.keys.wechat.apiKey).not.toBe(sharedKeys().wechat.apiKey);
    expect(config.keys.alipay.appPublicKey).not.toBe(sharedKeys().alipay.appPublicKey);
    const fromDisk = parseSandboxConfig(fs.readFileSync(file, 'utf8'));
    const sandbox = await startSandbox({ port: 0, keys: config.keys });
    try {
      expect(sandbox.keys).toEqual(fromDisk.keys);
      const channels = createChannels(sandboxChannelConfig({ url: sandbox.url, keys: fromDisk.keys }));
      for (const id of ['wechat', 'alipay', 'unionpay', 'jeepay'] as const) {
        const outcome = await channels[id]?.pay({ orderNo: freshOrderNo(), authCode: freshCode(id), amountFen: 100, subject: 'x' });
        expect(outcome?.status, id).toBe('paid');
      }
    } finally {
      await sandbox.close();
    }
  });

  it('an unreadable or broken existing file is refused, never overwritten', () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{"port": 18080');
    expect(() => loadOrCreateSandboxConfig(file)).toThrow(SandboxConfigError);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"port": 18080');
    expect(() => loadOrCreateSandboxConfig(dir)).toThrow(/\(file\): cannot be read \(EISDIR\)/);
  });
});
