import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { signInAsManager } from './ui';

async function moveCash(page: Page, direction: 'in' | 'out', yuan: string, reason: string): Promise<void> {
  await page.getByTestId('movement-direction').selectOption(direction);
  await page.getByTestId('movement-amount').fill(yuan);
  await page.getByTestId('movement-reason').fill(reason);
  await page.getByTestId('movement-reason').press('Enter');
}

test('a shift: open with a float, a cash sale, cash in and out, close with the difference shown', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await page.getByTestId('tab-shift').click();
  await expect(page.getByTestId('shift-none')).toBeVisible();
  await page.getByTestId('open-float').fill('200');
  await page.getByTestId('open-float').press('Enter');
  await expect(page.getByTestId('shift-expected')).toHaveText('￥200.00');

  // A cash sale on the Checkout tab lands in the shift's figures.
  await page.getByTestId('tab-checkout').click();
  await page.getByTestId('amount-input').fill('12.5');
  await page.getByTestId('amount-input').press('Enter');
  await page.getByTestId('cash-input').fill('20');
  await page.getByTestId('cash-input').press('Enter');
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'paid');
  await page.getByTestId('tab-shift').click();
  await expect(page.getByTestId('shift-cash-sales')).toHaveText('￥12.50');
  await expect(page.getByTestId('shift-expected')).toHaveText('￥212.50');

  await moveCash(page, 'in', '50', '零钱');
  await expect(page.getByTestId('shift-cash-in')).toHaveText('￥50.00');
  await moveCash(page, 'out', '100', '存银行');
  await expect(page.getByTestId('shift-cash-out')).toHaveText('￥100.00');
  await expect(page.getByTestId('shift-expected')).toHaveText('￥162.50');
  await expect(page.getByTestId('shift-movements')).toContainText('存银行');

  await page.getByTestId('close-counted').fill('162');
  await expect(page.getByTestId('close-preview')).toContainText('-￥0.50');
  await page.getByTestId('close-counted').press('Enter');
  await expect(page.getByTestId('result-expected')).toHaveText('￥162.50');
  await expect(page.getByTestId('result-counted')).toHaveText('￥162.00');
  await expect(page.getByTestId('result-difference')).toHaveText('-￥0.50');
  await expect(page.getByTestId('shift-result')).toContainText('短款');
  await expect(page.getByTestId('shift-none')).toBeVisible();
  await expect(page.getByTestId('shift-recent')).toContainText('￥162.50');
});

test('"no sale": the drawer form needs a reason and says the drawer has no printer to hang on (virtual printer)', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await page.getByTestId('tab-shift').click();
  await expect(page.getByTestId('drawer-submit')).toBeDisabled();
  await page.getByTestId('drawer-reason').fill('顾客换零钱');
  await page.getByTestId('drawer-reason').press('Enter');
  await expect(page.getByTestId('drawer-result')).toContainText('no receipt printer');
  await expect(page.getByTestId('drawer-reason')).toHaveValue('');
});
