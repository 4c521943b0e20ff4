import { expect, test } from './fixtures';
import { addAmount, signInAsManager } from './ui';

// Sandbox: an amount ending in .63 is a customer who never finishes entering the password. WeChat: the
// reverse may not go sooner than 15 s after the pay request, so the cancelled payment is "being given back"
// for a while; the customer pays cash meanwhile.
test('the customer gives up on the wallet: after "cancel payment" cash is taken at once, the code payment still goes back', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await addAmount(page, '2.63');
  await page.getByTestId('code-input').fill('134567890123456780');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('payment-advice')).toHaveAttribute('data-advice', 'enter_password', { timeout: 20_000 });
  await expect(page.getByTestId('cash-input')).toHaveCount(0); // the code payment may still pay the sale
  await page.getByTestId('payment-cancel').click();
  await expect(page.getByTestId('payment-advice')).toHaveAttribute('data-advice', 'giving_back');
  await expect(page.getByTestId('payment-advice')).toContainText('可改收现金');
  await expect(page.getByTestId('payment-cancel')).toHaveCount(0);
  await expect(page.getByTestId('code-input')).toHaveCount(0); // one code payment at a time
  await page.getByTestId('cash-input').fill('5');
  await page.getByTestId('cash-input').press('Enter');
  await expect(page.getByTestId('next-sale')).toBeVisible();
  await expect(page.getByTestId('tenders')).toContainText('找零 ￥2.37');
  // The reverse goes on by itself and ends (WeChat does not say whether anything had been taken).
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'paid');
  await expect(page.getByTestId('giveback-banner')).toHaveAttribute('data-phase', 'reversed', { timeout: 30_000 });
  await expect(page.getByTestId('payment-advice')).toHaveAttribute('data-advice', 'reversed_unclear');
  await expect(page.getByTestId('due')).toHaveText('￥0.00');
});
