import { type Locator, type Page } from '@playwright/test';
import { expect, MANAGER_PIN } from './fixtures';

/** Signs in as the first-run manager; keys typed before the account list has loaded would go nowhere. */
export async function signInAsManager(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('login-user')).toContainText('店长');
  await page.keyboard.type(MANAGER_PIN, { delay: 20 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('checkout')).toBeVisible();
}

/** Keys an amount line on the checkout screen (Enter adds it). */
export async function addAmount(page: Page, yuan: string): Promise<void> {
  await page.getByTestId('amount-input').fill(yuan);
  await page.getByTestId('amount-input').press('Enter');
}

/** Takes cash for what is due (checkout screen) and waits until the sale is paid. */
export async function payCash(page: Page, yuan: string): Promise<void> {
  await page.getByTestId('cash-input').fill(yuan);
  await page.getByTestId('cash-input').press('Enter');
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'paid');
}

/** On the Users tab (signed in as a manager): fills the new-user form and submits it. */
export async function fillNewUser(page: Page, user: { id?: string; name: string; role?: 'cashier' | 'manager'; pin: string; pin2?: string }): Promise<void> {
  await page.getByTestId('user-new-id').fill(user.id ?? '');
  await page.getByTestId('user-new-name').fill(user.name);
  await page.getByTestId('user-new-role').selectOption(user.role ?? 'cashier');
  await page.getByTestId('user-new-pin').fill(user.pin);
  await page.getByTestId('user-new-pin2').fill(user.pin2 ?? user.pin);
  await page.getByTestId('user-create').click();
}

/** The manager adds a cashier on the Users tab, then signs out: the login screen is left showing. */
export async function addCashier(page: Page, url: string, name: string, pin: string): Promise<void> {
  await signInAsManager(page, url);
  await page.getByTestId('tab-users').click();
  await fillNewUser(page, { name, pin });
  await expect(page.getByTestId('user-created')).toContainText(name);
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-user')).toContainText(name);
}

/** Picks an account on the login screen by its label and signs in with the on-screen PIN pad. */
export async function signInAs(page: Page, label: string, pin: string): Promise<void> {
  await page.getByTestId('login-user').selectOption({ label });
  for (const digit of pin) await page.getByTestId(`pin-${digit}`).click();
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('checkout')).toBeVisible();
}

/** Sells on the Checkout tab and returns the receipt number; leaves the checkout on the next customer. */
export async function sell(page: Page, yuan: string, pay: { cash: string } | { code: string }): Promise<string> {
  await addAmount(page, yuan);
  const receiptNo = (await page.getByTestId('receipt-no').textContent()) ?? '';
  expect(receiptNo).toMatch(/^T01-\d{8}-\d{4}$/);
  const field = 'cash' in pay ? 'cash-input' : 'code-input';
  await page.getByTestId(field).fill('cash' in pay ? pay.cash : pay.code);
  await page.getByTestId(field).press('Enter');
  await expect(page.getByTestId('payment-banner')).toHaveAttribute('data-phase', 'paid', { timeout: 20_000 });
  await page.getByTestId('next-sale').click();
  await expect(page.getByTestId('receipt-no')).not.toHaveText(receiptNo);
  return receiptNo;
}

export const saleRow = (page: Page, receiptNo: string): Locator => page.locator(`[data-testid="sale-row"][data-receipt-no="${receiptNo}"]`);

/** Fills the refund form (no amount: everything refundable), goes to the confirm step, checks what it says, confirms. */
export async function refund(page: Page, yuan: string | null, expectPlan: string): Promise<void> {
  if (yuan !== null) await page.getByTestId('refund-amount').fill(yuan);
  await page.getByTestId('refund-reason').fill('顾客退货');
  await page.getByTestId('refund-start').click();
  await expect(page.getByTestId('refund-plan')).toContainText(expectPlan);
  await page.getByTestId('refund-confirm').click();
}
