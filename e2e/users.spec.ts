import { expect, test } from './fixtures';
import { fillNewUser, signInAs, signInAsManager } from './ui';

test('a manager adds a cashier on the Users tab; the cashier signs in and sees no manager tabs', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await page.getByTestId('tab-users').click();
  await expect(page.getByTestId('tab-users')).toHaveText('员工');
  const rows = page.getByTestId('user-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId('user-role')).toHaveText('店长');
  // Nobody deactivates themselves.
  await expect(rows.first().getByTestId('user-toggle-active')).toHaveCount(0);

  // A mismatched confirmation is refused on screen; nothing reaches the host and the PINs are cleared.
  await fillNewUser(page, { name: '张三', pin: '2468', pin2: '2469' });
  await expect(page.getByTestId('user-new-error-pin2')).toHaveText('两次输入的密码不一致');
  await expect(page.getByTestId('user-new-pin')).toHaveValue('');
  await expect(page.getByTestId('user-new-pin2')).toHaveValue('');
  await expect(rows).toHaveCount(1);
  // So is a PIN that is not 4–8 digits.
  await fillNewUser(page, { name: '张三', pin: '12a4' });
  await expect(page.getByTestId('user-new-error-pin')).toHaveText('密码应为 4–8 位数字');
  await expect(rows).toHaveCount(1);

  await fillNewUser(page, { id: 'c01', name: '张三', pin: '2468' });
  await expect(page.getByTestId('user-created')).toContainText('张三');
  const cashier = page.locator('[data-testid="user-row"][data-user-id="c01"]');
  await expect(cashier.getByTestId('user-role')).toHaveText('收银员');
  await expect(cashier.getByTestId('user-active')).toHaveText('启用');
  await expect(page.getByTestId('user-new-name')).toHaveValue('');
  await expect(page.getByTestId('users')).not.toContainText('2468');

  // Deactivate and reactivate: the list follows the host.
  await cashier.getByTestId('user-toggle-active').click();
  await expect(cashier).toHaveAttribute('data-active', 'false');
  await expect(cashier.getByTestId('user-active')).toHaveText('停用');
  await cashier.getByTestId('user-toggle-active').click();
  await expect(cashier).toHaveAttribute('data-active', 'true');

  // A new PIN, typed twice: a mismatch is refused, then 1357 is set and 2468 set back.
  await cashier.getByTestId('user-set-pin').click();
  await page.getByTestId('user-pin').fill('1357');
  await page.getByTestId('user-pin2').fill('1358');
  await page.getByTestId('user-pin-save').click();
  await expect(page.getByTestId('user-pin-error-pin2')).toHaveText('两次输入的密码不一致');
  await page.getByTestId('user-pin').fill('2468');
  await page.getByTestId('user-pin2').fill('2468');
  await page.getByTestId('user-pin-save').click();
  await expect(page.getByTestId('user-pin-done')).toContainText('张三');
  await expect(page.getByTestId('user-pin-form')).toHaveCount(0);
  await expect(page.getByTestId('users-error')).toHaveCount(0);

  // Sign out, sign in as 张三 with the PIN the manager set.
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-user')).toContainText('张三');
  await signInAs(page, '张三 · 收银员', '2468');
  await expect(page.getByTestId('tab-checkout')).toBeVisible();
  await expect(page.getByTestId('tab-users')).toHaveCount(0);
  await expect(page.getByTestId('tab-devices')).toHaveCount(0);
});

test('the Users tab reads in English and shows a host refusal with its code', async ({ page, pos }) => {
  await signInAsManager(page, pos.url);
  await page.getByTestId('lang-switch').click();
  await page.getByTestId('tab-users').click();
  await expect(page.getByTestId('tab-users')).toHaveText('Users');
  await fillNewUser(page, { name: 'Li Si', role: 'manager', pin: '8642' });
  const second = page.locator('[data-testid="user-row"][data-user-name="Li Si"]');
  await expect(second.getByTestId('user-role')).toHaveText('Manager');

  // Li Si signs in at a second window (its own connection and session)...
  const other = await page.context().newPage();
  await other.goto(pos.url);
  await expect(other.getByTestId('login-user')).toContainText('Li Si');
  await signInAs(other, 'Li Si · Manager', '8642');
  await other.getByTestId('tab-users').click();
  const first = other.locator('[data-testid="user-row"]').filter({ hasText: '店长' });
  await expect(first.getByTestId('user-active')).toHaveText('Active');

  // ...the first manager deactivates Li Si, which ends Li Si's session: the next thing Li Si's stale screen
  // tries (deactivating the last manager left) is refused by the host, and that window is back at sign-in.
  await second.getByTestId('user-toggle-active').click();
  await expect(second).toHaveAttribute('data-active', 'false');
  await first.getByTestId('user-toggle-active').click();
  await expect(other.getByTestId('login-user')).toBeVisible();
  await expect(other.getByTestId('tab-users')).toHaveCount(0);
  await other.close();
  await page.getByTestId('users-refresh').click();
  await expect(page.locator('[data-testid="user-row"][data-active="true"]')).toHaveCount(1);

  // A refusal shows the host's code and the English text: a staff id already taken.
  await fillNewUser(page, { id: 'manager', name: 'Wang Wu', pin: '1357' });
  await expect(page.getByTestId('users-error')).toHaveAttribute('data-code', 'CONFLICT');
  await expect(page.getByTestId('users-error')).toContainText('Conflicts with an existing record');
});
