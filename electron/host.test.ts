import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost } from './host';
import { silentLogger } from './log';
import { verifyAuditChain } from './services/audit';
import { type TestHost, TEST_MANAGER_PIN, startTestHost } from './testing/host-fixture';
import { APP_VERSION } from './version';

let t: TestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('createHost', () => {
  it('first run creates a manager whose generated PIN is reported exactly once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-first-'));
    const seen: string[] = [];
    const host = createHost({ dataDir, logger: silentLogger, onFirstRun: (i) => seen.push(i.managerPin) });
    await host.close();
    const again = createHost({ dataDir, logger: silentLogger, onFirstRun: (i) => seen.push(i.managerPin) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^\d{6}$/);
    const client = again.connect();
    const login = await again.call('session.login', { userId: 'manager', pin: seen[0] }, client);
    expect(login.ok).toBe(true);
    await again.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('host.info describes the terminal with sandbox mode on by default', async () => {
    t = await startTestHost();
    const info = await t.must('host.info');
    expect(info).toMatchObject({ version: APP_VERSION, storeId: 'S001', terminalId: 'T01', mode: 'sandbox', transport: 'browser' });
    expect(info.dbPath.startsWith(t.dataDir) || info.dbPath.includes('pos-host-')).toBe(true);
  });

  it('refuses unknown methods and invalid payloads with stable codes and changes nothing', async () => {
    t = await startTestHost();
    expect(await t.host.call('nope.method', {}, t.client)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await t.host.call(42, {}, t.client)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    await t.loginManager();
    const before = await t.must('settings.get');
    const bad: unknown[] = [
      { store: { name: 42 } },
      { store: { name: 'x'.repeat(100_000) } },
      { store: { name: 'ok' }, extra: true },
      { store: { name: 'ok', evil: 1 } },
      { security: { maxPinFailures: 1.5 } },
      'not an object',
      null,
    ];
    for (const payload of bad) {
      const r = await t.host.call('settings.update', payload, t.client);
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      if (!r.ok) expect(r.error.message.length).toBeLessThanOrEqual(500);
    }
    expect(await t.must('settings.get')).toEqual(before);
  });

  it('settings.update needs a manager, persists across restart and emits an event', async () => {
    t = await startTestHost();
    expect(await t.call('settings.update', { store: { name: '新店' } })).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } });
    await t.loginManager();
    const cashier = await t.must('users.create', { name: '小王', role: 'cashier', pin: '1111' });
    const events: string[] = [];
    t.host.subscribe((e) => events.push(e.event));
    const updated = await t.must('settings.update', { store: { name: '新店' }, ui: { locale: 'en' } });
    expect(updated.store).toMatchObject({ id: 'S001', name: '新店' });
    expect(events).toContain('settings.changed');

    const other = t.host.connect();
    await t.must('session.login', { userId: cashier.id, pin: '1111' }, other);
    expect(await t.call('settings.update', { store: { name: 'x' } }, other)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });

    await t.restart();
    const after = await t.must('settings.get');
    expect(after.store.name).toBe('新店');
    expect(after.ui.locale).toBe('en');
  });

  it('users.create takes an optional staff id; a taken id is a CONFLICT and nothing changes', async () => {
    t = await startTestHost();
    await t.loginManager();
    expect(await t.must('users.create', { id: 'c01', name: '张三', role: 'cashier', pin: '2468' })).toMatchObject({ id: 'c01', name: '张三' });
    expect(await t.call('users.create', { id: 'c01', name: '李四', role: 'cashier', pin: '1357' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await t.call('users.create', { id: 'c 02', name: '李四', role: 'cashier', pin: '1357' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const users = await t.must('users.list');
    expect(users.filter((u) => u.id === 'c01').map((u) => u.name)).toEqual(['张三']);
    const other = t.host.connect();
    await t.must('session.login', { userId: 'c01', pin: '2468' }, other);
  });

  it('locks a user out after 5 wrong PINs for the configured time, audited', async () => {
    t = await startTestHost();
    for (let i = 1; i <= 4; i++) {
      const r = await t.call('session.login', { userId: 'manager', pin: '0000' });
      expect(r).toMatchObject({ ok: false, error: { code: 'PIN_INVALID' } });
    }
    expect(await t.call('session.login', { userId: 'manager', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT' } });
    // even the right PIN is refused while locked
    expect(await t.call('session.login', { userId: 'manager', pin: TEST_MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'LOCKED_OUT' } });
    t.clock.advance(301_000);
    await t.loginManager();
    const actions = (t.host.ctx.db.prepare('SELECT action FROM audit_log ORDER BY seq').all() as { action: string }[]).map((r) => r.action);
    expect(actions.filter((a) => a === 'login.failed')).toHaveLength(5);
    expect(actions).toContain('user.lockout');
    expect(actions).toContain('login.refused');
    expect(actions.at(-1)).toBe('login.ok');
    expect(verifyAuditChain(t.host.ctx.db)).toEqual({ ok: true, entries: actions.length });
  });

  it('does not reveal whether a user exists and refuses wrong PIN formats as VALIDATION', async () => {
    t = await startTestHost();
    expect(await t.call('session.login', { userId: 'ghost', pin: '1234' })).toMatchObject({ ok: false, error: { code: 'PIN_INVALID', message: 'wrong user or PIN' } });
    expect(await t.call('session.login', { userId: 'manager', pin: '12' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.call('session.login', { userId: 'manager', pin: 1234 as unknown as string })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('sessions are per client; logout ends only that session', async () => {
    t = await startTestHost();
    const other = t.host.connect();
    await t.loginManager();
    expect(await t.must('session.current')).toMatchObject({ user: { id: 'manager', role: 'manager' } });
    expect(await t.must('session.current', {}, other)).toBeNull();
    expect(await t.must('session.logout')).toEqual({ loggedOut: true });
    expect(await t.must('session.current')).toBeNull();
  });

  it('session.authorize accepts a manager PIN and refuses a cashier', async () => {
    t = await startTestHost();
    await t.loginManager();
    const cashier = await t.must('users.create', { name: 'Li', role: 'cashier', pin: '2222' });
    expect(await t.must('session.authorize', { userId: 'manager', pin: TEST_MANAGER_PIN })).toMatchObject({ role: 'manager' });
    expect(await t.call('session.authorize', { userId: cashier.id, pin: '2222' })).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    expect(await t.call('users.setActive', { userId: 'manager', active: false })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('a manager cannot deactivate their own account, even with another manager active', async () => {
    t = await startTestHost();
    await t.loginManager();
    await t.must('users.create', { name: 'Wang', role: 'manager', pin: '135790' });
    expect(await t.call('users.setActive', { userId: 'manager', active: false })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: 'you cannot deactivate your own account' } });
    expect(await t.must('session.current')).toMatchObject({ user: { id: 'manager' } });
  });

  it('deactivating a user ends their open sessions: a deactivated manager can no longer approve anything', async () => {
    t = await startTestHost();
    await t.loginManager();
    const m2 = await t.must('users.create', { name: 'Wang', role: 'manager', pin: '135790' });
    const theirTill = t.host.connect();
    await t.must('session.login', { userId: m2.id, pin: '135790' }, theirTill);
    expect(await t.call('payment.gateways', {}, theirTill)).toMatchObject({ ok: true });
    await t.must('users.setActive', { userId: m2.id, active: false });
    expect(await t.must('session.current', {}, theirTill)).toBeNull();
    expect(await t.call('payment.gateways', {}, theirTill)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } });
    // The manager who did it stays logged in.
    expect(await t.must('session.current')).toMatchObject({ user: { id: 'manager' } });
  });

  it('APP_VERSION matches package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(APP_VERSION).toBe(pkg.version);
  });
});
