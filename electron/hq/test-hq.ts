import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../sync/client/auth';
import { type SyncClientConfig } from '../sync/client/upload';
import { type HqLogEvent } from './routes';
import { startHq, type HqHandle, type HqOptions } from './server';

/** Test harness: an HQ on a temp database and a random loopback port, plus helpers to call it. */
export const SECRETS = { T01: 'secret-of-terminal-01', T02: 'secret-of-terminal-02', T03: 'secret-of-terminal-03' } as const;
export const ADMIN_TOKEN = 'admin-token-0123456789';

export type TestHq = HqHandle & { dir: string; dbPath: string; logs: HqLogEvent[]; restart(extra?: Partial<HqOptions>): Promise<TestHq>; dispose(): Promise<void> };

export async function startTestHq(extra: Partial<HqOptions> = {}, dir = mkdtempSync(join(tmpdir(), 'pos-hq-'))): Promise<TestHq> {
  const dbPath = join(dir, 'hq.sqlite');
  const logs: HqLogEvent[] = [];
  const hq = await startHq({
    dbPath,
    terminals: { T01: SECRETS.T01, T02: SECRETS.T02, T03: { secret: SECRETS.T03, storeId: 'S002' } },
    adminToken: ADMIN_TOKEN,
    log: (event) => logs.push(event),
    ...extra,
  });
  return {
    ...hq,
    dir,
    dbPath,
    logs,
    restart: async (more = {}) => {
      await hq.close();
      return startTestHq({ ...extra, ...more }, dir);
    },
    dispose: async () => {
      await hq.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const clientFor = (hq: { url: string }, terminalId: keyof typeof SECRETS = 'T01', extra: Partial<SyncClientConfig> = {}): SyncClientConfig => ({
  baseUrl: hq.url,
  terminalId,
  secret: SECRETS[terminalId],
  timeoutMs: 5000,
  ...extra,
});

/** A signed request built by hand, to test what the client would never send. */
export async function signedFetch(
  hq: { url: string },
  opts: { method: 'GET' | 'POST'; path: string; body?: string; terminalId?: string; secret?: string; nowMs?: number; headers?: Record<string, string> },
): Promise<{ status: number; json: unknown; headers: Record<string, string> }> {
  const body = opts.body ?? '';
  const signedHeaders = signRequest({
    terminalId: opts.terminalId ?? 'T01',
    secret: opts.secret ?? SECRETS.T01,
    method: opts.method,
    path: opts.path,
    body,
    nowMs: opts.nowMs ?? Date.now(),
  });
  const headers = { 'content-type': 'application/json', ...signedHeaders, ...opts.headers };
  return rawFetch(hq, { method: opts.method, path: opts.path, body: opts.method === 'POST' ? body : undefined, headers });
}

export async function rawFetch(
  hq: { url: string },
  opts: { method: string; path: string; body?: string; headers?: Record<string, string> },
): Promise<{ status: number; json: unknown; headers: Record<string, string> }> {
  const response = await fetch(hq.url + opts.path, { method: opts.method, headers: opts.headers ?? {}, body: opts.body ?? null });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json, headers: Object.fromEntries(response.headers) };
}
