import { expect, test } from './fixtures';
import { addAmount, signInAsManager } from './ui';

// Part paid in cash, the customer puts an item back: the line goes (no void, no manager), as long as what is
// left still covers what was paid, and the rest is paid as usual.
test('after a part payment, a line is removed or added; one that would leave less than was paid cannot go', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await addAmount(page, '6');
  await addAmount(page, '4');
  await page.getByTestId('cash-input').fill('5');
  await page.getByTestId('cash-input').press('Enter');
  await expect(page.getByTestId('paid')).toHaveText('￥5.00');
  const rows = page.getByTestId('cart-lines').locator('tr');
  // The 6.00 line cannot go (4.00 would be left, 5.00 is paid); the 4.00 line can.
  await expect(rows.nth(0).getByRole('button')).toHaveCount(0);
  await rows.nth(1).getByRole('button').click();
  await expect(page.getByTestId('total')).toHaveText('￥6.00');
  await expect(page.getByTestId('due')).toHaveText('￥1.00');
  // And the customer adds something after all.
  await addAmount(page, '2');
  await expect(page.getByTestId('due')).toHaveText('￥3.00');
  await page.getByTestId('cash-input').fill('3');
  await page.getByTestId('cash-input').press('Enter');
  await expect(page.getByTestId('next-sale')).toBeVisible();
  await expect(page.getByTestId('total')).toHaveText('￥8.00');
});
