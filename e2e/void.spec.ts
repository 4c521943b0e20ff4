import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Page } from '@playwright/test';
import { expect, MANAGER_PIN, type RunningHost, startPos, test } from './fixtures';
import { addAmount, addCashier, refund, saleRow, sell, signInAs, signInAsManager } from './ui';

const receiptNoOf = async (page: Page): Promise<string> => {
  const no = (await page.getByTestId('receipt-no').textContent()) ?? '';
  expect(no).toMatch(/^T01-\d{8}-\d{4}$/);
  return no;
};

/** "Void sale…", a reason, the confirm step (checking what it says goes back), confirm. */
async function voidIt(page: Page, reason: string, expectPlan: string): Promise<void> {
  await page.getByTestId('void-open').click();
  await page.getByTestId('void-reason').fill(reason);
  await page.getByTestId('void-start').click();
  await expect(page.getByTestId('void-plan')).toContainText(expectPlan);
  await page.getByTestId('void-confirm').click();
}

test('a manager voids the open sale at the checkout: reason, confirm, the sale shows voided and the next customer gets a fresh sale', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  // The empty cart waiting for the next customer has nothing to void.
  await expect(page.getByTestId('void-open')).toHaveCount(0);
  await addAmount(page, '12.5');
  await addAmount(page, '3');
  await expect(page.getByTestId('total')).toHaveText('￥15.50');
  const receiptNo = await receiptNoOf(page);

  await page.getByTestId('void-open').click();
  // A manager is signed in: their session approves, no PIN asked. The reason is required.
  await expect(page.getByTestId('void-needs-manager')).toHaveCount(0);
  await expect(page.getByTestId('void-start')).toBeDisabled();
  await page.getByTestId('void-reason').fill('顾客不要了');
  await page.getByTestId('void-start').click();
  const box = page.getByTestId('void-confirm-box');
  await expect(box).toContainText(receiptNo);
  await expect(box).toContainText('￥15.50');
  await expect(page.getByTestId('void-plan')).toContainText('尚未收款');
  // Going back changes nothing.
  await page.getByTestId('void-back').click();
  await expect(box).toHaveCount(0);
  await expect(page.getByTestId('sale-voided')).toHaveCount(0);
  await page.getByTestId('void-start').click();
  await page.getByTestId('void-confirm').click();

  // The voided state: nothing due, nothing more can be keyed or paid, the next customer button.
  await expect(page.getByTestId('sale-voided')).toContainText('此单已作废');
  await expect(page.getByTestId('receipt-no')).toHaveText(receiptNo);
  await expect(page.getByTestId('due')).toHaveText('￥0.00');
  await expect(page.getByTestId('amount-input')).toHaveCount(0);
  await expect(page.getByTestId('cash-input')).toHaveCount(0);
  await expect(page.getByTestId('code-input')).toHaveCount(0);
  await expect(page.getByTestId('void-open')).toHaveCount(0);
  await expect(page.getByTestId('void-error')).toHaveCount(0);
  await page.getByTestId('next-sale').click();
  await expect(page.getByTestId('receipt-no')).not.toHaveText(receiptNo);
  await expect(page.getByTestId('total')).toHaveText('￥0.00');
  await expect(page.getByTestId('cart-lines').locator('tr')).toHaveCount(0);
  await expect(page.getByTestId('sale-voided')).toHaveCount(0);
  await expect(page.getByTestId('amount-input')).toBeVisible();

  // The Sales screen lists it as voided; its detail offers neither a void nor a refund, and says why.
  await page.getByTestId('tab-sales').click();
  const row = saleRow(page, receiptNo);
  await expect(row.getByTestId('sale-status')).toHaveText('已作废');
  await expect(page.getByTestId('sale-row')).toHaveCount(1);
  await row.click();
  const detail = page.getByTestId('sale-detail');
  await expect(detail.getByTestId('sale-status')).toHaveText('已作废');
  await expect(page.getByTestId('sale-voided')).toBeVisible();
  await expect(page.getByTestId('void-open')).toHaveCount(0);
  await expect(page.getByTestId('refund-form')).toHaveCount(0);
  await expect(page.getByTestId('refund-unavailable')).toContainText('已作废的销售不能退款');
  await page.getByTestId('lang-switch').click();
  await expect(row.getByTestId('sale-status')).toHaveText('Voided');
  await expect(page.getByTestId('sale-voided')).toContainText('This sale is voided');
});

test('a partly paid sale is voided from the sale detail: the cash taken is handed back, the checkout shows it voided', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await addAmount(page, '10');
  const receiptNo = await receiptNoOf(page);
  // The customer hands over 4 yuan of the 10, then cannot pay the rest.
  await page.getByTestId('cash-input').fill('4');
  await page.getByTestId('cash-input').press('Enter');
  await expect(page.getByTestId('paid')).toHaveText('￥4.00');
  await expect(page.getByTestId('due')).toHaveText('￥6.00');

  await page.getByTestId('tab-sales').click();
  const row = saleRow(page, receiptNo);
  await row.click();
  await expect(page.getByTestId('detail-receipt-no')).toHaveText(receiptNo);
  // Not paid: no refund, a void instead.
  await expect(page.getByTestId('refund-form')).toHaveCount(0);
  await expect(page.getByTestId('refund-unavailable')).toContainText('未付款的请作废');
  await voidIt(page, '顾客带的钱不够', '现金 ￥4.00');
  await expect(page.getByTestId('void-plan')).toHaveCount(0);
  await expect(row.getByTestId('sale-status')).toHaveText('已作废');
  await expect(page.getByTestId('sale-detail').getByTestId('sale-status')).toHaveText('已作废');
  await expect(page.getByTestId('voided-cash-back')).toContainText('请从钱箱取出现金 ￥4.00 交还顾客');
  // What the void gave back is listed with the sale (voids print no receipt).
  const given = page.getByTestId('refund-row');
  await expect(given).toHaveCount(1);
  await expect(given).toHaveAttribute('data-purpose', 'void');
  await expect(given).toContainText('作废退还');
  await expect(given).toContainText('￥4.00');
  await expect(given.getByTestId('refund-state')).toHaveText('退款成功');
  await expect(given.getByTestId('refund-print')).toHaveCount(0);
  await expect(page.getByTestId('detail-tenders')).toContainText('已退 ￥4.00');
  await expect(page.getByTestId('sale-refunded')).toHaveText('￥4.00');

  // The checkout still had this sale: it shows it voided, with the cash to hand back, then moves on.
  await page.getByTestId('tab-checkout').click();
  await expect(page.getByTestId('receipt-no')).toHaveText(receiptNo);
  await expect(page.getByTestId('sale-voided')).toBeVisible();
  await expect(page.getByTestId('voided-cash-back')).toContainText('￥4.00');
  await expect(page.getByTestId('cash-input')).toHaveCount(0);
  await page.getByTestId('next-sale').click();
  await expect(page.getByTestId('receipt-no')).not.toHaveText(receiptNo);
  await expect(page.getByTestId('due')).toHaveText('￥0.00');
});

test("a cashier cannot void without a manager's approval: nothing is sent without a PIN, a wrong PIN is refused and the sale stays", async ({ page, pos }) => {
  await addCashier(page, pos.url, '小王', '2468');
  await signInAs(page, '小王 · 收银员', '2468');
  await addAmount(page, '8');
  const receiptNo = await receiptNoOf(page);

  await page.getByTestId('void-open').click();
  await expect(page.getByTestId('void-needs-manager')).toContainText('店长批准');
  await expect(page.getByTestId('void-manager')).toContainText('店长');
  await page.getByTestId('void-reason').fill('金额录错');
  await expect(page.getByTestId('void-start')).toBeDisabled();
  await page.getByTestId('void-pin').fill('12');
  await expect(page.getByTestId('void-start')).toBeDisabled();

  await page.getByTestId('void-pin').fill('000000');
  await page.getByTestId('void-start').click();
  await page.getByTestId('void-confirm').click();
  await expect(page.getByTestId('void-error')).toHaveAttribute('data-code', 'PIN_INVALID');
  await expect(page.getByTestId('void-error')).toContainText('工号或密码错误');
  // Refused: the sale is as it was, still on the checkout and still payable.
  await expect(page.getByTestId('sale-voided')).toHaveCount(0);
  await expect(page.getByTestId('receipt-no')).toHaveText(receiptNo);
  await expect(page.getByTestId('due')).toHaveText('￥8.00');
  await expect(page.getByTestId('cash-input')).toBeVisible();
  await expect(page.getByTestId('void-pin')).toHaveValue('');
  await expect(page.getByTestId('void-start')).toBeDisabled();

  // The manager types their PIN: voided.
  await page.getByTestId('void-pin').fill(MANAGER_PIN);
  await expect(page.getByTestId('void-error')).toHaveCount(0);
  await page.getByTestId('void-start').click();
  await page.getByTestId('void-confirm').click();
  await expect(page.getByTestId('sale-voided')).toBeVisible();
  await expect(page.getByTestId('due')).toHaveText('￥0.00');
  await page.getByTestId('next-sale').click();
  await expect(page.getByTestId('receipt-no')).not.toHaveText(receiptNo);
  await page.getByTestId('tab-sales').click();
  await expect(saleRow(page, receiptNo).getByTestId('sale-status')).toHaveText('已作废');
});

test('after a power loss, a manager voids the sale left unfinished from the Sales screen', async ({ page }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-'));
  let pos = await startPos({ dataDir });
  try {
    await signInAsManager(page, pos.url);
    await addAmount(page, '20');
    await expect(page.getByTestId('total')).toHaveText('￥20.00');
    const receiptNo = await receiptNoOf(page);
    // The power goes: the host dies without closing its run; the next start finds the sale unfinished.
    const exited = new Promise((r) => pos.proc.once('exit', r));
    pos.proc.kill('SIGKILL');
    await exited;
    pos = await startPos({ dataDir });
    await signInAsManager(page, pos.url);
    await expect(page.getByTestId('receipt-no')).not.toHaveText(receiptNo);

    await page.getByTestId('tab-sales').click();
    const row = saleRow(page, receiptNo);
    await expect(row.getByTestId('sale-status')).toHaveText('未结账');
    await row.click();
    await voidIt(page, '断电后重新收银', '尚未收款');
    await expect(row.getByTestId('sale-status')).toHaveText('已作废');
    await expect(page.getByTestId('sale-voided')).toBeVisible();
    await expect(page.getByTestId('void-error')).toHaveCount(0);
  } finally {
    await pos.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

// ---- Refund retry: the training-mode sandbox refuses refunds on request (its control endpoint).

type SandboxRefund = { channel: string; orderNo: string; refundNo: string; amountFen: number; byReversal: boolean };
type FaultyHost = RunningHost & {
  /** The next `n` refund requests are refused by the channel (insufficient balance: final, nothing refunded). */
  refuseNextRefunds(n: number): Promise<void>;
  /** Refunds the sandbox's ledger holds (money really given back at the channel). */
  sandboxRefunds(): Promise<SandboxRefund[]>;
};

const retryTest = test.extend<{ faulty: FaultyHost }>({
  // eslint-disable-next-line no-empty-pattern
  faulty: async ({}, use) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-'));
    const pos = await startPos({ dataDir });
    // The host logs where its in-process sandbox listens once the first payment built the gateways.
    const sandboxUrl = (): string => {
      const url = /"msg":"payment sandbox started","url":"([^"]+)"/.exec(pos.output())?.[1];
      if (!url) throw new Error(`no sandbox in the host's output:\n${pos.output()}`);
      return url;
    };
    await use({
      ...pos,
      async refuseNextRefunds(n) {
        const r = await fetch(`${sandboxUrl()}/__sandbox/scenario`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'insufficient', operation: 'refund', count: n }) });
        expect(r.ok).toBe(true);
      },
      async sandboxRefunds() {
        const ledger = (await (await fetch(`${sandboxUrl()}/__sandbox/ledger`)).json()) as { refunds: SandboxRefund[] };
        return ledger.refunds.filter((r) => !r.byReversal);
      },
    });
    await pos.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
});

retryTest('a refund the channel refused is retried from the sale detail: refused again with its reason, then through; refunded once', async ({ page, faulty }) => {
  await signInAsManager(page, faulty.url);
  const receiptNo = await sell(page, '3', { code: '287634438256643912' });
  // The refund and its first retry are refused; the second retry goes through.
  await faulty.refuseNextRefunds(2);

  await page.getByTestId('tab-sales').click();
  const row = saleRow(page, receiptNo);
  await row.click();
  await refund(page, null, '支付宝');
  const progress = page.getByTestId('refund-progress');
  await expect(progress).toHaveAttribute('data-state', 'failed');
  await expect(progress).toContainText('退款失败：￥3.00 未能退还');
  await expect(page.getByTestId('refund-failure')).toContainText('卖家余额不足');
  const refundRow = page.getByTestId('refund-row');
  await expect(refundRow).toHaveCount(1);
  await expect(refundRow.getByTestId('refund-state')).toHaveText('退款失败');
  await expect(refundRow).toContainText('卖家余额不足');
  await expect(row.getByTestId('sale-status')).toHaveText('已付款');
  await expect(page.getByTestId('sale-refunded')).toHaveText('￥0.00');

  // Retried while the channel still refuses: the same refund fails again, saying why; no second refund.
  await refundRow.getByTestId('refund-retry').click();
  await expect(page.getByTestId('retry-box')).toContainText('￥3.00');
  await expect(page.getByTestId('retry-needs-manager')).toHaveCount(0);
  await page.getByTestId('retry-confirm').click();
  await expect(page.getByTestId('retry-box')).toHaveCount(0);
  await expect(page.getByTestId('retry-error')).toHaveCount(0);
  await expect(progress).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('refund-failure')).toContainText('卖家余额不足');
  await expect(page.getByTestId('refund-row')).toHaveCount(1);
  expect(await faulty.sandboxRefunds()).toHaveLength(0);

  // The account can pay refunds again: the retry goes through and the sale reads refunded.
  await refundRow.getByTestId('refund-retry').click();
  await page.getByTestId('retry-confirm').click();
  await expect(progress).toHaveAttribute('data-state', 'succeeded', { timeout: 20_000 });
  await expect(progress).toContainText('退款成功：已退还 ￥3.00');
  await expect(refundRow.getByTestId('refund-state')).toHaveText('退款成功');
  await expect(refundRow.getByTestId('refund-retry')).toHaveCount(0);
  await expect(refundRow.getByTestId('refund-print')).toBeVisible();
  await expect(row.getByTestId('sale-status')).toHaveText('已退款');
  await expect(page.getByTestId('sale-refunded')).toHaveText('￥3.00');
  await expect(page.getByTestId('refund-unavailable')).toContainText('全部退款');
  await expect(page.getByTestId('refund-row')).toHaveCount(1);
  // At the channel: one refund of 3 yuan.
  const refunds = await faulty.sandboxRefunds();
  expect(refunds.map((r) => [r.channel, r.amountFen])).toEqual([['alipay', 300]]);
});

retryTest("a cashier's refund retry needs the manager's PIN: a wrong PIN is refused and nothing is sent", async ({ page, faulty }) => {
  await addCashier(page, faulty.url, '小王', '2468');
  await signInAs(page, '小王 · 收银员', '2468');
  const receiptNo = await sell(page, '5', { code: '287634438256643913' });
  await faulty.refuseNextRefunds(1);

  await page.getByTestId('tab-sales').click();
  const row = saleRow(page, receiptNo);
  await row.click();
  await page.getByTestId('refund-pin').fill(MANAGER_PIN);
  await refund(page, null, '支付宝');
  await expect(page.getByTestId('refund-progress')).toHaveAttribute('data-state', 'failed');
  const refundRow = page.getByTestId('refund-row');
  await expect(refundRow.getByTestId('refund-state')).toHaveText('退款失败');

  await refundRow.getByTestId('refund-retry').click();
  await expect(page.getByTestId('retry-needs-manager')).toContainText('店长批准');
  await expect(page.getByTestId('retry-manager')).toContainText('店长');
  await expect(page.getByTestId('retry-confirm')).toBeDisabled();
  await page.getByTestId('retry-pin').fill('000000');
  await page.getByTestId('retry-confirm').click();
  await expect(page.getByTestId('retry-error')).toHaveAttribute('data-code', 'PIN_INVALID');
  await expect(page.getByTestId('retry-error')).toContainText('工号或密码错误');
  await expect(refundRow.getByTestId('refund-state')).toHaveText('退款失败');
  await expect(row.getByTestId('sale-status')).toHaveText('已付款');
  expect(await faulty.sandboxRefunds()).toHaveLength(0);

  await page.getByTestId('retry-pin').fill(MANAGER_PIN);
  await page.getByTestId('retry-confirm').click();
  await expect(page.getByTestId('refund-progress')).toHaveAttribute('data-state', 'succeeded', { timeout: 20_000 });
  await expect(page.getByTestId('retry-error')).toHaveCount(0);
  await expect(refundRow.getByTestId('refund-state')).toHaveText('退款成功');
  await expect(row.getByTestId('sale-status')).toHaveText('已退款');
  expect((await faulty.sandboxRefunds()).map((r) => r.amountFen)).toEqual([500]);
});
