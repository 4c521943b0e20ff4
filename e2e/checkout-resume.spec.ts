import { expect, test } from './fixtures';
import { addAmount, signInAsManager } from './ui';

// Sandbox: an amount ending in .63 is a customer who never finishes entering the password.
test('a reload while the customer enters the password: the checkout takes that sale and its payment up again', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await addAmount(page, '3.63');
  const receiptNo = (await page.getByTestId('receipt-no').textContent()) ?? '';
  await page.getByTestId('code-input').fill('134567890123456789');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'waiting_password', { timeout: 20_000 });
  await page.reload();
  await signInAsManager(page, pos.url);
  await expect(page.getByTestId('receipt-no')).toHaveText(receiptNo);
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'waiting_password');
  // The cashier can still give up on it: cancelling reverses it, and the sale is open again.
  await page.getByTestId('payment-cancel').click();
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-state', /reversing|reversed/, { timeout: 20_000 });
});
