import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { test as base } from '@playwright/test';

export const MANAGER_PIN = '135790';

export type RunningHost = { url: string; origin: string; token: string; dataDir: string; proc: ChildProcess; output: () => string; stop(): Promise<void> };

/**
 * Starts the real `npm start -- --headless` entry (scripts/start.ts) on a random port with a fresh data
 * folder, and waits for its "POS ready" line.
 */
export async function startPos(opts: { dataDir?: string; env?: Record<string, string> } = {}): Promise<RunningHost> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--headless', '--no-build', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, POS_MANAGER_PIN: MANAGER_PIN, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${out}`)), 30_000);
    const check = (): void => {
      const m = /POS ready.*?: (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${out}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
    },
  };
}

export const test = base.extend<{ pos: RunningHost }>({
  // Playwright reads fixture dependencies from the destructuring pattern: it must be an object pattern.
  // eslint-disable-next-line no-empty-pattern
  pos: async ({}, use) => {
    const pos = await startPos();
    await use(pos);
    await pos.stop();
    fs.rmSync(pos.dataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
