import { expect, test } from './fixtures';
import { addAmount, signInAsManager } from './ui';

// The customer's wallet holds less than the sale: part goes on the code, the rest in cash (or another code).
test('part of the sale on a code, the rest in cash; a wrong part amount sends nothing', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await addAmount(page, '10');
  await page.getByTestId('code-part').fill('12');
  await expect(page.getByTestId('code-part-hint')).toContainText('不能超过待收金额');
  await page.getByTestId('code-input').fill('134567890123456781');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('checkout-error')).toBeVisible();
  await expect(page.getByTestId('paid')).toHaveText('￥0.00');
  await page.getByTestId('code-part').fill('4');
  await expect(page.getByTestId('code-part-hint')).toHaveCount(0);
  await page.getByTestId('code-input').fill('134567890123456782');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('paid')).toHaveText('￥4.00', { timeout: 20_000 });
  await expect(page.getByTestId('due')).toHaveText('￥6.00');
  // The code part is in, not the sale: the banner says what is still due, never the "paid" of a done sale.
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'part_paid');
  await expect(page.getByTestId('payment-banner')).toContainText('已收 ￥4.00，还需收 ￥6.00');
  await expect(page.getByTestId('code-part')).toHaveValue(''); // the next code would charge all that is due
  await page.getByTestId('cash-input').fill('6');
  await page.getByTestId('cash-input').press('Enter');
  await expect(page.getByTestId('next-sale')).toBeVisible();
  await expect(page.getByTestId('tenders')).toContainText('微信支付 ￥4.00');
});
