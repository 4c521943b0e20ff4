import { type Page } from '@playwright/test';
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
