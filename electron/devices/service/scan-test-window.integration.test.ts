import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../testing/host-fixture';

let t: TestHost;
afterEach(async () => t?.dispose());

const WECHAT = '134567890123456789';
const scan = async (n: number) => (await t.must('scan.report', { source: 'wedge', deviceId: 'wedge', code: `${WECHAT.slice(0, -1)}${n}`, at: t.clock.now() })).scan;

/** The Devices screen's test window ends with the session or connection that opened it. */
describe('scanner test window', () => {
  it('ends when the manager who opened it signs out (the screen can no longer close it itself)', async () => {
    t = await startTestHost();
    await t.loginManager();
    await t.must('devices.testScan', { seconds: 600 });
    expect((await scan(1))?.test).toBe(true);
    await t.must('session.logout');
    // The screen's own "close" after sign-out is refused (manager only): the host closed it already.
    expect((await t.call('devices.testScan', { seconds: 0 })).ok).toBe(false);
    await t.loginManager();
    expect((await scan(2))?.test).toBe(false);
  });

  it('ends when its connection goes away, and not when another connection signs out', async () => {
    t = await startTestHost();
    const devicesTab = t.host.connect();
    await t.loginManager(devicesTab);
    await t.loginManager();
    await t.must('devices.testScan', { seconds: 600 }, devicesTab);
    // The till signing out and in again does not touch the Devices tab's window.
    await t.must('session.logout');
    await t.loginManager();
    expect((await scan(1))?.test).toBe(true);
    t.host.disconnect(devicesTab);
    expect((await scan(2))?.test).toBe(false);
  });

  it('ends when another user signs in on the same connection', async () => {
    t = await startTestHost();
    await t.loginManager();
    await t.must('users.create', { name: 'Cashier', role: 'cashier', pin: '1357', id: 'c01' });
    await t.must('devices.testScan', { seconds: 600 });
    await t.must('session.login', { userId: 'c01', pin: '1357' });
    expect((await scan(1))?.test).toBe(false);
  });
});
