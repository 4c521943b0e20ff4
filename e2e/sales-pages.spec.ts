import { apiClient } from './api';
import { expect, MANAGER_PIN, test } from './fixtures';
import { signInAsManager } from './ui';

// A busy till sells more than one page of sales a day: the Sales tab shows the newest 200 and the older
// ones on request, after those already shown, until the first sale of the day is on screen.
test('a busy day: the Sales tab shows the newest page and loads earlier sales on request', async ({ page, pos }) => {
  test.setTimeout(90_000);
  const api = await apiClient(pos);
  await api.must('session.login', { userId: 'manager', pin: MANAGER_PIN });
  const settings = await api.must<{ devices: Record<string, unknown> }>('settings.get');
  await api.must('settings.update', { devices: { ...settings.devices, autoPrint: false } });
  const receipts: string[] = [];
  for (let i = 0; i < 203; i++) {
    const sale = await api.must<{ id: string; receiptNo: string }>('sale.open');
    await api.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 100 + i });
    await api.must('sale.tenderCash', { saleId: sale.id, givenFen: 100 + i });
    receipts.push(sale.receiptNo);
  }
  api.close();

  await signInAsManager(page, pos.url);
  await page.getByTestId('tab-sales').click();
  const rows = page.getByTestId('sale-row');
  // The first page holds the checkout's new, empty sale too, which the list does not show.
  await expect(rows).toHaveCount(199);
  await expect(rows.first()).toHaveAttribute('data-receipt-no', receipts[202] as string);
  await expect(page.getByTestId('sales-shown')).toHaveText('已显示 199 笔');
  await page.getByTestId('sales-more').click();
  await expect(rows).toHaveCount(203);
  await expect(rows.last()).toHaveAttribute('data-receipt-no', receipts[0] as string);
  await expect(page.getByTestId('sales-more')).toHaveCount(0);
  // The first sale of the day can be opened like any other.
  await rows.last().click();
  await expect(page.getByTestId('detail-receipt-no')).toHaveText(receipts[0] as string);
});
