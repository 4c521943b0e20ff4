import { expect, MANAGER_PIN, test } from './fixtures';
import { addCashier, refund, saleRow, sell, signInAs, signInAsManager } from './ui';

test('sales history: a partial cash refund and a full code refund, receipts, and a refund beyond what is left refused', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  const cashNo = await sell(page, '12.5', { cash: '20' });
  const codeNo = await sell(page, '3', { code: '134567890123456789' });

  await page.getByTestId('tab-sales').click();
  await expect(page.getByTestId('tab-sales')).toHaveText('销售记录');
  const cashRow = saleRow(page, cashNo);
  const codeRow = saleRow(page, codeNo);
  await expect(cashRow.getByTestId('sale-status')).toHaveText('已付款');
  await expect(cashRow.getByTestId('sale-total')).toHaveText('￥12.50');
  await expect(cashRow.getByTestId('sale-tenders')).toContainText('现金 ￥12.50');
  await expect(codeRow.getByTestId('sale-tenders')).toContainText('微信支付 ￥3.00 1345');
  await expect(codeRow).not.toContainText('134567890123456789');
  // The empty cart waiting on the Checkout tab is not a sale yet.
  await expect(page.getByTestId('sale-row')).toHaveCount(2);

  // Partial refund of the cash sale: the amount starts at everything refundable.
  await cashRow.click();
  await expect(page.getByTestId('detail-receipt-no')).toHaveText(cashNo);
  await expect(page.getByTestId('detail-lines')).toContainText('￥12.50');
  await expect(page.getByTestId('sale-refundable')).toHaveText('￥12.50');
  await expect(page.getByTestId('refund-amount')).toHaveValue('12.50');
  await refund(page, '5', '现金 ￥5.00');
  await expect(page.getByTestId('refund-progress')).toHaveAttribute('data-state', 'succeeded');
  await expect(page.getByTestId('refund-progress')).toContainText('￥5.00');
  await expect(cashRow.getByTestId('sale-status')).toHaveText('部分退款');
  await expect(page.getByTestId('sale-refundable')).toHaveText('￥7.50');
  await expect(page.getByTestId('sale-refunded')).toHaveText('￥5.00');
  await expect(page.getByTestId('refund-amount')).toHaveValue('7.50');
  const cashRefund = page.getByTestId('refund-row');
  await expect(cashRefund).toHaveCount(1);
  await expect(cashRefund).toContainText('R1');
  await expect(cashRefund.getByTestId('refund-state')).toHaveText('退款成功');

  // Its refund receipt, beside the sale.
  await cashRefund.getByTestId('refund-print').click();
  await expect(page.getByTestId('receipt-panel')).toHaveAttribute('data-kind', 'refund');
  await expect(page.getByTestId('receipt-title')).toContainText(`${cashNo}-R1`);
  await expect(page.getByTestId('receipt-preview')).toContainText('退款');
  await expect(page.getByTestId('receipt-preview')).toContainText('5.00');
  await expect(page.getByTestId('receipt-preview')).toContainText(cashNo);

  // More than what is left is refused before anything is sent, saying how much is left.
  await page.getByTestId('refund-amount').fill('10');
  await expect(page.getByTestId('refund-problem')).toContainText('最多还能退 ￥7.50');
  await expect(page.getByTestId('refund-start')).toBeDisabled();
  await page.getByTestId('refund-amount').fill('7.505');
  await expect(page.getByTestId('refund-problem')).toContainText('最多两位小数');
  await expect(page.getByTestId('refund-start')).toBeDisabled();

  // The sale's own receipt and a numbered copy of it.
  await page.getByTestId('sale-print').click();
  await expect(page.getByTestId('receipt-panel')).toHaveAttribute('data-kind', 'sale');
  await expect(page.getByTestId('receipt-preview')).toContainText(cashNo);
  await expect(page.getByTestId('receipt-preview')).toContainText('12.50');
  await page.getByTestId('sale-reprint').click();
  await expect(page.getByTestId('receipt-title')).toContainText('副本 1');

  // Full refund of the code sale, back through WeChat (sandbox).
  await codeRow.click();
  await expect(page.getByTestId('detail-receipt-no')).toHaveText(codeNo);
  await expect(page.getByTestId('refund-amount')).toHaveValue('3.00');
  await refund(page, null, '微信支付 1345');
  await expect(page.getByTestId('refund-progress')).toHaveAttribute('data-state', 'succeeded', { timeout: 20_000 });
  await expect(page.getByTestId('refund-progress')).toContainText('￥3.00');
  await expect(codeRow.getByTestId('sale-status')).toHaveText('已退款');
  await expect(page.getByTestId('sale-refundable')).toHaveText('￥0.00');
  // Nothing is left: no refund form, and the screen says why.
  await expect(page.getByTestId('refund-form')).toHaveCount(0);
  await expect(page.getByTestId('refund-unavailable')).toContainText('全部退款');
  await page.getByTestId('refund-row').getByTestId('refund-print').click();
  await expect(page.getByTestId('receipt-preview')).toContainText('退款');
  await expect(page.getByTestId('receipt-preview')).toContainText('3.00');
  await expect(page.getByTestId('receipt-preview')).toContainText(codeNo);
  await page.getByTestId('refund-row').getByTestId('refund-reprint').click();
  await expect(page.getByTestId('receipt-title')).toContainText('副本 1');

  // The cash sale still shows its partial state after moving around; and the tab reads in English.
  await cashRow.click();
  await expect(page.getByTestId('sale-refundable')).toHaveText('￥7.50');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('tab-sales')).toHaveText('Sales');
  await expect(cashRow.getByTestId('sale-status')).toHaveText('Partly refunded');
  await expect(codeRow.getByTestId('sale-status')).toHaveText('Refunded');
});

test("a cashier refunds with the manager's PIN; a wrong PIN is refused with a clear message", async ({ page, pos }) => {
  await addCashier(page, pos.url, '小王', '2468');
  await signInAs(page, '小王 · 收银员', '2468');
  const cashNo = await sell(page, '8', { cash: '10' });

  await page.getByTestId('tab-sales').click();
  await saleRow(page, cashNo).click();
  await expect(page.getByTestId('refund-needs-manager')).toBeVisible();
  await expect(page.getByTestId('refund-manager')).toContainText('店长');
  await expect(page.getByTestId('refund-start')).toBeDisabled();
  await page.getByTestId('refund-pin').fill('000000');
  await refund(page, '2', '现金 ￥2.00');
  await expect(page.getByTestId('refund-error')).toHaveAttribute('data-code', 'PIN_INVALID');
  await expect(page.getByTestId('refund-error')).toContainText('工号或密码错误');
  await expect(page.getByTestId('refund-row')).toHaveCount(0);
  await expect(page.getByTestId('sale-refundable')).toHaveText('￥8.00');

  await page.getByTestId('refund-pin').fill(MANAGER_PIN);
  await refund(page, '2', '现金 ￥2.00');
  await expect(page.getByTestId('refund-progress')).toHaveAttribute('data-state', 'succeeded');
  await expect(page.getByTestId('refund-error')).toHaveCount(0);
  await expect(saleRow(page, cashNo).getByTestId('sale-status')).toHaveText('部分退款');
  await expect(page.getByTestId('sale-refundable')).toHaveText('￥6.00');
  await page.getByTestId('refund-row').getByTestId('refund-print').click();
  await expect(page.getByTestId('receipt-preview')).toContainText('退款');
  await expect(page.getByTestId('receipt-preview')).toContainText('2.00');
});
