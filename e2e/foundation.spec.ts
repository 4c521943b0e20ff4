import { expect, MANAGER_PIN, test } from './fixtures';

test('manager signs in with the keyboard and sees the status screen', async ({ page, pos }) => {
  await page.goto(pos.url);
  await expect(page.getByTestId('app-title')).toHaveText('收银台');
  // the token is taken out of the address bar
  await expect.poll(() => page.url()).not.toContain('token=');
  await expect(page.getByTestId('login-user')).toContainText('店长');
  await page.keyboard.type(MANAGER_PIN, { delay: 20 });
  await expect(page.getByTestId('pin-display')).toHaveText('●'.repeat(MANAGER_PIN.length));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('tab-checkout')).toBeVisible();
  await page.getByTestId('tab-status').click();
  await expect(page.getByTestId('status-screen')).toBeVisible();
  await expect(page.getByTestId('status-terminal')).toContainText('T01');
  await expect(page.getByTestId('status-mode')).toContainText('训练模式');
  await expect(page.getByTestId('status-data-dir')).toContainText(pos.dataDir);
  await expect(page.getByTestId('connectivity')).toHaveText('在线');
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-submit')).toBeVisible();
});

test('a wrong PIN on the pad shows a clear error', async ({ page, pos }) => {
  await page.goto(pos.url);
  for (const d of '0000') await page.getByTestId(`pin-${d}`).click();
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toContainText('工号或密码错误');
  await expect(page.getByTestId('login-error')).toContainText('4 tries left');
});

test('switching the language changes the whole screen and is remembered', async ({ page, pos }) => {
  await page.goto(pos.url);
  await expect(page.getByTestId('login-submit')).toHaveText('登录');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('app-title')).toHaveText('Checkout');
  await expect(page.getByTestId('login-submit')).toHaveText('Sign in');
  await page.reload();
  await expect(page.getByTestId('login-submit')).toHaveText('Sign in');
  await expect(page.getByTestId('login-user')).toContainText('Manager');
  await page.keyboard.type(MANAGER_PIN, { delay: 20 });
  await page.keyboard.press('Enter');
  await page.getByTestId('tab-status').click();
  await expect(page.getByTestId('status-mode')).toContainText('Training');
});

test('a bad token is refused: the page cannot reach the API', async ({ page, pos }) => {
  await page.goto(`${pos.origin}/?token=not-the-token`);
  await expect(page.getByTestId('connectivity')).toHaveText('离线');
  await expect(page.getByTestId('login-user')).toContainText('没有可用的账号');
  const refused = await page.evaluate(async (origin) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/api?token=wrong`);
    return new Promise<string>((resolve) => {
      ws.onopen = () => resolve('opened');
      ws.onerror = () => resolve('refused');
    });
  }, pos.origin);
  expect(refused).toBe('refused');
  expect(pos.output()).toContain('bad token');
});

test('the right token from another origin is refused', async ({ page, pos }) => {
  await page.goto('about:blank');
  const result = await page.evaluate(async ({ origin, token }) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/api?token=${token}`);
    return new Promise<string>((resolve) => {
      ws.onopen = () => resolve('opened');
      ws.onerror = () => resolve('refused');
    });
  }, { origin: pos.origin, token: pos.token });
  expect(result).toBe('refused');
});
