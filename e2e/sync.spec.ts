import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { type Page } from '@playwright/test';
import { expect, MANAGER_PIN, type RunningHost, startPos, test } from './fixtures';
import { apiClient } from './api';
import { signInAsManager, addAmount, payCash } from './ui';
import { dailyTotalsSchema, entriesResponseSchema } from '../shared/sync/protocol';

/**
 * Issue #4, offline → online: a terminal configured for an HQ that is not running sells (the queue grows,
 * connectivity goes offline; a payment code still goes to its gateway, HQ alone never stops one), is restarted, then the reference
 * HQ (`npm run hq`) comes up on the configured port: the queue drains by itself and HQ's daily totals
 * match what was sold.
 */
const SECRET = 'e2e-terminal-secret-T01';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type RunningHq = { url: string; stop(): Promise<void> };

/** The reference HQ as an operator runs it (`npm run hq -- …`), on a fixed port with this terminal's secret. */
async function startHqCli(port: number, dbPath: string): Promise<RunningHq> {
  const proc: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/hq/cli.ts', '--port', String(port), '--db', dbPath, '--terminal', `T01=${SECRET}`, '--admin-token', ADMIN_TOKEN],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`HQ did not start:\n${out}`)), 30_000);
    proc.stdout?.on('data', () => {
      const m = /HQ receiver listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`HQ exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

async function openStatus(page: Page): Promise<void> {
  await page.getByTestId('tab-status').click();
  await expect(page.getByTestId('sync-panel')).toBeVisible();
}

test('offline → online (issue #4): cash sales queue while HQ is down, drain when it is up, HQ totals match', async ({ page }) => {
  test.setTimeout(120_000);
  const port = await freePort();
  const hqUrl = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-sync-'));
  const hqDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-hq-'));
  let pos: RunningHost | undefined;
  let hq: RunningHq | undefined;
  try {
    pos = await startPos({ dataDir });
    await signInAsManager(page, pos.url);

    // Configure sync on the Status screen: bad input is named field by field, then the real settings.
    await openStatus(page);
    await expect(page.getByTestId('sync-hq')).toHaveAttribute('data-enabled', 'false');
    await expect(page.getByTestId('sync-secret-state')).toHaveAttribute('data-set', 'false');
    await page.getByTestId('sync-hqUrl').fill('ftp://127.0.0.1');
    await page.getByTestId('sync-secret').fill('short');
    await page.getByTestId('sync-batchSize').fill('0');
    await page.getByTestId('sync-interval').fill('1');
    await page.getByTestId('sync-save').click();
    await expect(page.getByTestId('sync-error-hqUrl')).toContainText('http://');
    await expect(page.getByTestId('sync-error-secret')).toContainText('8');
    await expect(page.getByTestId('sync-error-batchSize')).toContainText('1–500');
    await expect(page.getByTestId('sync-saved')).toHaveCount(0);
    await page.getByTestId('sync-hqUrl').fill(hqUrl);
    await page.getByTestId('sync-secret').fill(SECRET);
    await page.getByTestId('sync-batchSize').fill('50');
    await page.getByTestId('sync-save').click();
    await expect(page.getByTestId('sync-saved')).toBeVisible();
    await expect(page.getByTestId('sync-hq')).toHaveAttribute('data-enabled', 'true');
    await expect(page.getByTestId('sync-secret-state')).toHaveAttribute('data-set', 'true');
    await expect(page.getByTestId('sync-secret')).toHaveValue('');
    expect(await page.content()).not.toContain(SECRET);

    // HQ is down: a cash sale queues, connectivity goes offline.
    await page.getByTestId('tab-checkout').click();
    await addAmount(page, '12.5');
    await payCash(page, '20');
    await page.getByTestId('next-sale').click();
    await expect(page.getByTestId('total')).toHaveText('￥0.00');
    await expect(page.getByTestId('connectivity')).toHaveText('离线');

    // HQ down alone never stops code payments: the code goes to the gateway (here the training one), which
    // answers, so the till is no longer "offline", only "unstable" (HQ still down).
    await addAmount(page, '3');
    await page.getByTestId('code-input').fill('134567890123456789');
    await page.getByTestId('code-input').press('Enter');
    await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'paid', { timeout: 20_000 });
    await expect(page.getByTestId('connectivity')).toHaveText('网络不稳定');
    await page.getByTestId('next-sale').click();

    await openStatus(page);
    await expect(page.getByTestId('sync-queued')).toHaveAttribute('data-count', '2');
    await expect(page.getByTestId('sync-connectivity')).toHaveAttribute('data-state', 'degraded');
    await expect(page.getByTestId('sync-last-error')).toHaveAttribute('data-set', 'true');
    await expect(page.getByTestId('sync-last-success')).toHaveAttribute('data-set', 'false');
    await expect(page.getByTestId('sync-oldest')).not.toHaveText('无');
    await page.getByTestId('sync-now').click();
    await expect(page.getByTestId('sync-now')).toBeEnabled();
    await expect(page.getByTestId('sync-queued')).toHaveAttribute('data-count', '2');

    // Restart the POS host on the same data folder (HQ still down): the queue and the settings are kept.
    await pos.stop();
    pos = await startPos({ dataDir });
    await signInAsManager(page, pos.url);
    await openStatus(page);
    await expect(page.getByTestId('sync-hq')).toContainText(hqUrl);
    await expect(page.getByTestId('sync-secret-state')).toHaveAttribute('data-set', 'true');
    await expect(page.getByTestId('sync-queued')).toHaveAttribute('data-count', '2');

    // HQ comes up on the configured port: the next probe sees it, the terminal goes online and drains.
    hq = await startHqCli(port, path.join(hqDir, 'hq.sqlite'));
    await expect(page.getByTestId('sync-queued')).toHaveAttribute('data-count', '0', { timeout: 15_000 });
    await expect(page.getByTestId('sync-connectivity')).toHaveAttribute('data-state', 'online');
    await expect(page.getByTestId('connectivity')).toHaveText('在线');
    await page.getByTestId('sync-now').click();
    await expect(page.getByTestId('sync-last-success')).toHaveAttribute('data-set', 'true');
    await expect(page.getByTestId('sync-last-error')).toHaveAttribute('data-set', 'false');
    await expect(page.getByTestId('sync-parked')).toHaveAttribute('data-count', '0');
    await expect(page.getByTestId('sync-conflicts')).toHaveAttribute('data-count', '0');
    await page.getByTestId('sync-flagged-load').click();
    await expect(page.getByTestId('sync-flagged-empty')).toBeVisible();

    // HQ has both sales once, marked as training (this till is in training mode), and its daily totals keep
    // them apart: what the till took counts under `training`, in none of the real figures.
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const stored = entriesResponseSchema.parse(await (await fetch(`${hq.url}/v1/entries?terminalId=T01`, { headers: auth })).json()).entries;
    const entries = stored.map((s) => s.entry);
    expect(entries.map((e) => [e.kind, e.kind === 'sale' ? e.payload.totalFen : null, e.payload.training])).toEqual([
      ['sale', 1250, true],
      ['sale', 300, true],
    ]);
    const date = entries[0]?.businessDate ?? '';
    expect(entries.every((e) => e.businessDate === date)).toBe(true);
    const totals = dailyTotalsSchema.parse(await (await fetch(`${hq.url}/v1/totals?date=${date}&storeId=S001`, { headers: auth })).json());
    const none = { refundsCount: 0, refundsFen: 0, voidsCount: 0, voidsFen: 0 };
    expect(totals.training).toEqual({ salesCount: 2, salesFen: 1550, ...none, netFen: 1550 });
    expect(totals.store).toEqual({ salesCount: 0, salesFen: 0, ...none, netFen: 0 });
    expect(totals.byTender).toEqual([]);
    expect(totals.byTerminal).toEqual([]);

    // Live: the till switches (nothing unfinished, no shift open) and a real cash sale reaches the real
    // figures, per tender and terminal, while the practice stays apart.
    const api = await apiClient(pos);
    await api.must('session.login', { userId: 'manager', pin: MANAGER_PIN });
    const settings = await api.must<{ terminal: Record<string, unknown> }>('settings.get');
    await api.must('settings.update', { terminal: { ...settings.terminal, mode: 'live' } });
    const real = await api.must<{ id: string }>('sale.open');
    await api.must('sale.addLine', { saleId: real.id, kind: 'amount', unitPriceFen: 880 });
    await api.must('sale.tenderCash', { saleId: real.id, givenFen: 1000 });
    await api.must('sync.now');
    api.close();
    const after = dailyTotalsSchema.parse(await (await fetch(`${hq.url}/v1/totals?date=${date}&storeId=S001`, { headers: auth })).json());
    const realSale = { salesCount: 1, salesFen: 880, ...none, netFen: 880 };
    expect(after.store).toEqual(realSale);
    expect(after.byTender).toEqual([{ tender: 'cash', ...realSale }]);
    expect(after.byTerminal).toEqual([expect.objectContaining({ terminalId: 'T01', ...realSale })]);
    expect(after.training).toEqual(totals.training);
  } finally {
    await pos?.stop();
    await hq?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(hqDir, { recursive: true, force: true });
  }
});
