import { expect, test } from './fixtures';
import { sell, signInAsManager } from './ui';

// A customer is back with a receipt: the Sales tab finds the sale by the number printed on it (any day; the
// host test covers an earlier day), opens it for a refund or a reprint, and says so when there is none.
test('a sale is found by its receipt number on the Sales tab; an unknown number says so', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  const receiptNo = await sell(page, '6.50', { cash: '10' });
  await page.getByTestId('tab-sales').click();
  await page.getByTestId('sale-find-input').fill('T01-20000101-0001');
  await page.getByTestId('sale-find').click();
  await expect(page.getByTestId('sale-find-error')).toContainText('T01-20000101-0001');
  await expect(page.getByTestId('sale-detail')).toHaveCount(0);
  // Typed as it is read off the paper, lower case and all.
  await page.getByTestId('sale-find-input').fill(` ${receiptNo.toLowerCase()} `);
  await page.getByTestId('sale-find-input').press('Enter');
  await expect(page.getByTestId('sale-find-error')).toHaveCount(0);
  await expect(page.getByTestId('detail-receipt-no')).toHaveText(receiptNo);
  // Sold in training mode (the first-start default): said beside its status.
  await expect(page.getByTestId('sale-detail').getByTestId('sale-training')).toHaveText('培训');
  await expect(page.getByTestId('sale-refundable')).toHaveText('￥6.50');
  await expect(page.getByTestId('sale-find-input')).toHaveValue('');
});
