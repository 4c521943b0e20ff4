import { expect, test } from './fixtures';
import { addAmount, payCash, signInAsManager } from './ui';

test("the manager's day totals: today's takings on this till (training mode: counted apart)", async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await addAmount(page, '12.5');
  await payCash(page, '20');
  await page.getByTestId('tab-sales').click();
  await page.getByTestId('day-totals-show').click();
  await expect(page.getByTestId('day-totals-table')).toBeVisible();
  // The till starts in training mode: practice sales are counted apart, never in the real figures.
  await expect(page.getByTestId('day-totals-store')).toContainText('￥0.00');
  await expect(page.getByTestId('day-totals-training')).toContainText('￥12.50');
});
