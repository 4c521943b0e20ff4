import { type WebSocketRoute } from '@playwright/test';
import { expect, MANAGER_PIN, test } from './fixtures';
import { addAmount, signInAsManager } from './ui';

type Frame = { id?: number; method?: string; event?: string };
const parse = (m: string | Buffer): Frame => JSON.parse(String(m)) as Frame;

// The page's link to the host goes through this route: the test can answer a call itself, drop the host's
// events (what a page misses while away), or cut the link.
test('no sale could be opened: the checkout says why and offers a retry, which opens it', async ({ page, pos }) => {
  let refuse = true;
  await page.routeWebSocket(/\/api\?token=/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const f = parse(m);
      if (refuse && f.method === 'sale.open') return ws.send(JSON.stringify({ id: f.id, result: { ok: false, error: { code: 'INTERNAL', message: 'disk full' } } }));
      server.send(m);
    });
  });
  await page.goto(pos.url);
  await expect(page.getByTestId('login-user')).toContainText('店长');
  await page.keyboard.type(MANAGER_PIN, { delay: 20 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('checkout-error')).toContainText('disk full');
  await expect(page.getByTestId('checkout')).toHaveCount(0);
  refuse = false;
  await page.getByTestId('checkout-retry').click();
  await expect(page.getByTestId('checkout')).toBeVisible();
  await expect(page.getByTestId('receipt-no')).not.toBeEmpty();
});

// Sandbox: an amount ending in .63 is a customer who never finishes entering the password. Alipay, whose
// cancel may come at once (WeChat's reverse waits 15 s after the pay request).
test('a payment that ended while the link was down is not left "waiting for the password" once it is back', async ({ page, pos, browser }) => {
  let deaf = false;
  let route: WebSocketRoute | undefined;
  await page.routeWebSocket(/\/api\?token=/, (ws) => {
    route = ws;
    const server = ws.connectToServer();
    server.onMessage((m) => {
      if (deaf && parse(m).event) return;
      ws.send(m);
    });
  });
  await signInAsManager(page, pos.url);
  await addAmount(page, '3.63');
  const receiptNo = (await page.getByTestId('receipt-no').textContent()) ?? '';
  await page.getByTestId('code-input').fill('281234567890123456');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'waiting_password', { timeout: 20_000 });

  // This page hears nothing more; a second window takes the sale up and the cashier cancels there.
  deaf = true;
  const other = await (await browser.newContext()).newPage();
  await signInAsManager(other, pos.url);
  await expect(other.getByTestId('receipt-no')).toHaveText(receiptNo);
  await other.getByTestId('payment-cancel').click();
  await expect(other.getByTestId('payment-banner')).toHaveAttribute('data-state', 'reversed', { timeout: 20_000 });
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'waiting_password');

  // The link drops and comes back (a new connection, so a new sign-in): the page reads the sale again.
  deaf = false;
  await route?.close();
  await expect(page.getByTestId('login-user')).toBeVisible({ timeout: 20_000 });
  await page.keyboard.type(MANAGER_PIN, { delay: 20 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('checkout')).toBeVisible();
  await expect(page.getByTestId('receipt-no')).toHaveText(receiptNo);
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-state', 'reversed');
  await other.context().close();
});
