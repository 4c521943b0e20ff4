import { expect, test } from './fixtures';
import { signInAsManager } from './ui';

// The bill of a day exists only once the day is over (at the channel and in the sandbox): today's
// reconciliation says so, clearly, and lists nothing. Comparing a real bill is covered by the host test
// (electron/payments/reconcile/reconcile.test.ts) with a clock it can move.
test('reconcile panel (manager): today has no bill yet, said plainly', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await page.getByTestId('tab-sales').click();
  const panel = page.getByTestId('reconcile-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading')).toHaveText('渠道对账');
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  await page.getByTestId('reconcile-date').fill(today);
  await page.getByTestId('reconcile-gateway').selectOption('alipay');
  await page.getByTestId('reconcile-run').click();
  await expect(page.getByTestId('reconcile-report')).toHaveAttribute('data-bill', 'no_bill');
  await expect(page.getByTestId('reconcile-bill')).toContainText('该日暂无账单');
  await expect(page.getByTestId('reconcile-problem')).toHaveCount(0);
});
