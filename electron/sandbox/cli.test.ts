/** `npm run sandbox` with a config file, as a process: create once, reuse, refuse a broken file. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannels, sandboxChannelConfig } from '../payments/channels/index';
import { parseSandboxConfig, serializeSandboxConfig, type SandboxConfig } from './config';
import { freshCode, freshOrderNo, sharedKeys } from './testing';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.ts');

type Run = { exited: Promise<number | null>; stdout: () => string; stderr: () => string; stop(): void; listening: Promise<string> };

function runCli(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SANDBOX_CONFIG: '', ...env } });
  let out = '';
  let err = '';
  let onListening: (url: string) => void = () => undefined;
  const listening = new Promise<string>((r) => (onListening = r));
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    // Ready once everything is printed (the last line).
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m?.[1] && out.includes('Ctrl-C to stop.')) onListening(m[1]);
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { exited, stdout: () => out, stderr: () => err, stop: () => void child.kill('SIGTERM'), listening };
}

/** A POS configured from the file pays at the running sandbox: it checks requests with the file's keys. */
async function payThrough(url: string, config: SandboxConfig, id: 'wechat' | 'alipay'): Promise<string | undefined> {
  const channel = createChannels(sandboxChannelConfig({ url, keys: config.keys }))[id];
  return (await channel?.pay({ orderNo: freshOrderNo(), authCode: freshCode(id), amountFen: 100, subject: 'x' }))?.status;
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run sandbox -- --config', () => {
  it('creates a missing config with fresh keys, then the next start reuses them', { timeout: 30_000 }, async () => {
    const file = path.join(dir, 'sandbox.json');
    const first = runCli(['--port', '0'], { SANDBOX_CONFIG: file });
    const url = await Promise.race([first.listening, first.exited.then(() => '')]);
    expect(url, first.stderr()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.stdout()).toContain(`Created ${file} with fresh merchant keys`);
    const written = parseSandboxConfig(fs.readFileSync(file, 'utf8'));
    expect(written.port).toBe(0);
    expect(first.stdout()).toContain(`key ${written.keys.wechat.apiKey}`);
    expect(await payThrough(url, written, 'wechat')).toBe('paid');
    first.stop();
    expect(await first.exited).toBe(0);

    const second = runCli(['--config', file]);
    const url2 = await Promise.race([second.listening, second.exited.then(() => '')]);
    expect(url2, second.stderr()).toMatch(/^http:/);
    expect(await payThrough(url2, written, 'alipay')).toBe('paid');
    expect(second.stdout()).toContain(`Merchant keys and port from ${file}`);
    expect(second.stdout()).toContain(`key ${written.keys.wechat.apiKey}`);
    expect(second.stdout()).toContain(written.keys.alipay.appPrivateKey.trim());
    second.stop();
    expect(await second.exited).toBe(0);
    expect(parseSandboxConfig(fs.readFileSync(file, 'utf8'))).toEqual(written);
  });

  it('a broken config: the field on stderr, exit code 2, nothing started', { timeout: 30_000 }, async () => {
    const file = path.join(dir, 'broken.json');
    const config = JSON.parse(serializeSandboxConfig({ port: 0, keys: sharedKeys() })) as { unionpay: Record<string, unknown> };
    delete config.unionpay.key;
    fs.writeFileSync(file, JSON.stringify(config));
    const run = runCli(['--config', file]);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(`sandbox config ${file}: unionpay.key: missing`);
    expect(run.stdout()).not.toContain('listening');
  });

  it('a mistyped option or a port that is not a port is a usage error, nothing started', { timeout: 60_000 }, async () => {
    const cases: [string[], string][] = [
      [['--prot', '5'], 'unknown option --prot'],
      [['--port', '70000'], '--port must be an integer from 0 to 65535'],
      [['--port', ''], '--port must be an integer'],
    ];
    for (const [args, message] of cases) {
      const run = runCli(args);
      expect(await run.exited, args.join(' ')).toBe(2);
      expect(run.stderr()).toContain(message);
    }
  });

  it('--config without a file name is a usage error', { timeout: 30_000 }, async () => {
    const run = runCli(['--config']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('--config needs a value');
  });
});
