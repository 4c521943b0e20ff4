import { expect, test } from './fixtures';
import { signInAsManager, addAmount, payCash } from './ui';

test('a cash sale: key an amount, take cash, see the change, next customer', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await addAmount(page, '12.5');
  await expect(page.getByTestId('total')).toHaveText('￥12.50');
  await page.getByTestId('cash-input').fill('20');
  await page.getByTestId('cash-input').press('Enter');
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'paid');
  await expect(page.getByTestId('tenders')).toContainText('￥7.50');
  const first = await page.getByTestId('receipt-no').textContent();
  await page.getByTestId('next-sale').click();
  await expect(page.getByTestId('total')).toHaveText('￥0.00');
  await expect(page.getByTestId('receipt-no')).not.toHaveText(first ?? '');
});

test('a WeChat payment code is charged through the sandbox', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await addAmount(page, '3');
  await page.getByTestId('code-input').fill('134567890123456789');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'paid', { timeout: 20_000 });
  await expect(page.getByTestId('tenders')).toContainText('1345');
  await expect(page.getByTestId('tenders')).not.toContainText('134567890123456789');
});

test('a malformed or unknown code is refused with a clear message and nothing is charged', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await addAmount(page, '5');
  await page.getByTestId('code-input').fill('10abcdefghijklmnop');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('checkout-error')).toContainText('付款码应全为数字');
  await page.getByTestId('code-input').fill('999999999999999999');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('checkout-error')).toContainText('无法识别的付款码');
  await expect(page.getByTestId('due')).toHaveText('￥5.00');
});

test('amounts: a wrong one says how to type it, full-width digits are taken, refused cash stays in its field', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  for (const bad of ['12.345', '-1', '1e5', '0']) {
    await page.getByTestId('amount-input').fill(bad);
    await expect(page.getByTestId('amount-hint'), bad).toContainText('如 5 或 5.50');
    await expect(page.getByTestId('add-line')).toBeDisabled();
  }
  await page.getByTestId('amount-input').fill('１２．５'); // a Chinese IME's full-width digits
  await expect(page.getByTestId('amount-hint')).toHaveCount(0);
  await page.getByTestId('amount-input').press('Enter');
  await expect(page.getByTestId('total')).toHaveText('￥12.50');
  // More cash than the till takes: refused with the reason, and what was typed is still there to correct.
  await page.getByTestId('cash-input').fill('999999999');
  await page.getByTestId('cash-input').press('Enter');
  await expect(page.getByTestId('checkout-error')).toBeVisible();
  await expect(page.getByTestId('cash-input')).toHaveValue('999999999');
});

test('a refused or cancelled payment tells the cashier what to do next, in words', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  // Insufficient funds (sandbox .53): nothing charged, ask for another method.
  await addAmount(page, '1.53');
  await page.getByTestId('code-input').fill('284567890123456789');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'failed', { timeout: 20_000 });
  await expect(page.getByTestId('payment-advice')).toHaveAttribute('data-advice', 'insufficient_funds');
  await expect(page.getByTestId('payment-advice')).toContainText('余额不足');
  await expect(page.getByTestId('code-input')).toBeFocused(); // ready for the customer's next code
  await payCash(page, '1.53');
  await page.getByTestId('next-sale').click();
  // The customer never finishes the password (.63) and the cashier cancels: reversed, nothing was taken.
  await addAmount(page, '1.63');
  await page.getByTestId('code-input').fill('284567890123456790');
  await page.getByTestId('code-input').press('Enter');
  await expect(page.getByTestId('payment-advice')).toHaveAttribute('data-advice', 'enter_password', { timeout: 20_000 });
  await expect(page.getByTestId('payment-advice')).toContainText('输入支付密码');
  await page.getByTestId('payment-cancel').click();
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'reversed', { timeout: 30_000 });
  await expect(page.getByTestId('payment-advice')).toHaveAttribute('data-advice', 'reversed_nothing_taken');
  await expect(page.getByTestId('payment-advice')).toHaveText('没有扣顾客的钱');
});
