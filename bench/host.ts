import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHost } from '../electron/host';
import { silentLogger } from '../electron/log';
import { nowMs, percentile } from './stats';

/** Round trip of a contract call through the dispatcher (validation in and out), no transport. */
export async function benchHost(): Promise<Record<string, number>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-host-'));
  const host = createHost({ dataDir, logger: silentLogger, initialManagerPin: '123456' });
  const client = host.connect();
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = nowMs();
    await host.call('host.info', {}, client);
    samples.push(nowMs() - t0);
  }
  await host.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { api_call_ms_p50: percentile(samples, 50), api_call_ms_p99: percentile(samples, 99) };
}
