import { expect, test } from './fixtures';
import { addAmount, signInAsManager } from './ui';

type Frame = { id?: number; method?: string; params?: Record<string, unknown> };

// The keypad only keys amounts above zero; free items (a gift at 0 fen, a 100% discount) come from other
// clients of the host. The page's link is routed so the line it adds arrives as such a free item.
test('a sale with only free items is completed as it is ("nothing to pay"), then the next customer', async ({ page, pos }) => {
  await page.routeWebSocket(/\/api\?token=/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const f = JSON.parse(String(m)) as Frame;
      if (f.method !== 'sale.addLine' || !f.params) return server.send(m);
      server.send(JSON.stringify({ ...f, params: { saleId: f.params.saleId, kind: 'product', name: '赠品', unitPriceFen: 0 } }));
    });
  });
  await signInAsManager(page, pos.url);
  await expect(page.getByTestId('complete-free')).toHaveCount(0); // no lines yet
  await addAmount(page, '5');
  await expect(page.getByTestId('cart-lines')).toContainText('赠品');
  await expect(page.getByTestId('total')).toContainText('0.00');
  // Nothing to charge: no code or cash entry, the one way on is to complete it.
  await expect(page.getByTestId('code-input')).toHaveCount(0);
  await page.getByTestId('complete-free').click();
  await expect(page.getByTestId('next-sale')).toBeVisible();
  await expect(page.getByTestId('complete-free')).toHaveCount(0);
  await page.getByTestId('next-sale').click();
  await expect(page.getByTestId('cart-lines')).not.toContainText('赠品');
});
