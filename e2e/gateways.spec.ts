import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { signInAsManager } from './ui';

/**
 * Issue #3, going live: a manager sets a live gateway on the Status screen (keys in, only a fingerprint
 * back), sees a bad key refused with the host's reason, removes a gateway, and switches the till between
 * training and live mode (confirmed).
 */
const API_KEY = 'e2eLiveKey0123456789abcdefABCDEF'; // 32 characters, as WeChat API v2 keys are
const TESTDATA = join(import.meta.dirname, '../electron/hq/testdata');

test('a manager configures live gateways and switches modes', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await page.getByTestId('tab-status').click();
  const panel = page.getByTestId('gateways-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('gateway-wechat')).toHaveAttribute('data-configured', 'false');

  // A key of the wrong length: refused, nothing stored.
  await page.getByTestId('gateways-json').fill(JSON.stringify({ wechat: { baseUrl: 'https://api.mch.weixin.qq.com', appId: 'wx1234567890abcdef', mchId: '1900000109', apiKey: 'short' } }));
  await page.getByTestId('gateways-save').click();
  await expect(page.getByTestId('gateways-error')).toHaveAttribute('data-code', 'VALIDATION');
  await expect(page.getByTestId('gateway-wechat')).toHaveAttribute('data-configured', 'false');

  // Not JSON: said so here, before the host.
  await page.getByTestId('gateways-json').fill('{ wechat: ');
  await page.getByTestId('gateways-save').click();
  await expect(page.getByTestId('gateways-error')).toBeVisible();

  // Over https WeChat needs its merchant certificate (reverse and refund): refused without, taken with one.
  const live = { baseUrl: 'https://api.mch.weixin.qq.com', appId: 'wx1234567890abcdef', mchId: '1900000109', apiKey: API_KEY };
  await page.getByTestId('gateways-json').fill(JSON.stringify({ wechat: live }));
  await page.getByTestId('gateways-save').click();
  await expect(page.getByTestId('gateways-error')).toContainText('client certificate');
  await page.getByTestId('gateways-json').fill(JSON.stringify({ wechat: { ...live, tls: { certPem: readFileSync(join(TESTDATA, 'localhost-cert.pem'), 'utf8'), keyPem: readFileSync(join(TESTDATA, 'localhost-key.pem'), 'utf8') } } }));
  await page.getByTestId('gateways-save').click();
  await expect(page.getByTestId('gateways-saved')).toBeVisible();
  await expect(page.getByTestId('gateway-wechat')).toHaveAttribute('data-configured', 'true');
  await expect(page.getByTestId('gateway-wechat')).toContainText('mch_id 1900000109');
  await expect(page.getByTestId('gateways-json')).toHaveValue('');
  // The key never comes back to the screen.
  expect(await page.content()).not.toContain(API_KEY);

  // Training → live, confirmed; the Status rows follow.
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('gateways-switch').click();
  await expect(page.getByTestId('status-mode')).toContainText(/正式收款|Live/);
  await expect(page.getByTestId('gateways-switch')).toContainText(/训练模式|training/);

  // Cancelling the confirmation changes nothing.
  page.once('dialog', (d) => void d.dismiss());
  await page.getByTestId('gateways-switch').click();
  await expect(page.getByTestId('status-mode')).toContainText(/正式收款|Live/);

  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('gateways-switch').click();
  await expect(page.getByTestId('status-mode')).toContainText(/训练模式|training/);

  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('gateway-remove-wechat').click();
  await expect(page.getByTestId('gateway-wechat')).toHaveAttribute('data-configured', 'false');
});
