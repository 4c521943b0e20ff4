/**
 * A void and the give-back of what was already paid are one commit: the host killed right after the void
 * (here: as it cancels the unresolved payment) still gives the part payment back after a restart.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { createHost, type Host } from '../host';
import { silentLogger } from '../log';
import { createManualClock } from '../clock';
import { createFakeChannel } from '../payments/engine/testing/fake-channel';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'void-crash-child.ts');
let dataDir = '';
let host: Host | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it('killed right after the void commit: the part payment is still given back after the restart', async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-voidcrash-'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dataDir], { encoding: 'utf8', timeout: 60_000 });
  expect(r.signal).toBe('SIGKILL');
  const { saleId } = JSON.parse(r.stdout.split('\n')[0] ?? '{}') as { saleId: string };
  const wx = createFakeChannel('wechat');
  wx.defaults.query = { status: 'not_found' };
  const clock = createManualClock();
  host = createHost({ dataDir, clock, logger: silentLogger, initialManagerPin: '246810', payments: { fakes: { wechat: wx } } });
  const client = host.connect();
  const must = async <T>(method: string, params: unknown): Promise<T> => {
    const x = await host!.call(method, params, client);
    if (!x.ok) throw new Error(`${method}: ${x.error.code} ${x.error.message}`);
    return x.value as T;
  };
  await must('session.login', { userId: 'manager', pin: '246810' });
  for (let i = 0; i < 90; i++) {
    clock.advance(1_000);
    for (let j = 0; j < 10; j++) await new Promise((res) => setImmediate(res));
  }
  expect(await must('sale.get', { saleId })).toMatchObject({ status: 'voided', paidFen: 400, refundedFen: 400 });
  const refunds = await must<{ purpose: string; state: string; amountFen: number }[]>('refund.list', { saleId });
  expect(refunds).toEqual([expect.objectContaining({ purpose: 'void', state: 'succeeded', amountFen: 400 })]);
  expect(wx.count('refund')).toBe(1);
});
