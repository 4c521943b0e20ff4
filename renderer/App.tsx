import { useEffect } from 'react';
import { applyTerminalLocale, useApp } from './stores/app';
import { useT } from './i18n/useT';
import { Login } from './screens/Login';
import { Status } from './screens/Status';
import { Checkout } from './screens/Checkout';
import { Devices } from './screens/Devices';
import { Shift } from './screens/Shift';
import { Sales } from './screens/Sales';
import { Users } from './screens/Users';
import { PrintJobsNotice } from './components/PrintJobsNotice';
import { connectDevices } from './stores/devices';
import { useState } from 'react';
import { type MessageKey } from './i18n/messages';

/** Top bar: store and terminal, connectivity, language switch, sign-out. */
function TopBar() {
  const info = useApp((s) => s.info);
  const session = useApp((s) => s.session);
  const locale = useApp((s) => s.locale);
  const setLocale = useApp((s) => s.setLocale);
  const api = useApp((s) => s.api);
  const setSession = useApp((s) => s.setSession);
  const link = useApp((s) => s.link);
  const t = useT();
  const conn = link.connected ? (info?.connectivity ?? 'offline') : 'offline';
  return (
    <header className="topbar">
      <strong data-testid="app-title">{t('app.title')}</strong>
      {info && (
        <span className="where">
          {info.storeName} · {info.terminalName}
        </span>
      )}
      {info?.mode === 'sandbox' && <span className="badge training">{t('status.mode.sandbox')}</span>}
      <span className={`badge conn-${conn}`} data-testid="connectivity">
        {t(`conn.${conn}`)}
      </span>
      <span className="spacer" />
      <button type="button" data-testid="lang-switch" onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}>
        {t('lang.switch')}
      </button>
      {session && (
        <button
          type="button"
          data-testid="logout"
          onClick={() => {
            void api?.call('session.logout').then(() => setSession(null));
          }}
        >
          {t('nav.logout')}
        </button>
      )}
    </header>
  );
}

type Tab = 'checkout' | 'sales' | 'shift' | 'status' | 'devices' | 'users';
const TABS: { id: Tab; label: MessageKey; managerOnly?: boolean }[] = [
  { id: 'checkout', label: 'nav.checkout' },
  { id: 'sales', label: 'nav.sales' },
  { id: 'shift', label: 'nav.shift' },
  { id: 'status', label: 'nav.status' },
  { id: 'devices', label: 'nav.devices', managerOnly: true },
  { id: 'users', label: 'nav.users', managerOnly: true },
];

/** What a signed-in user works in: the cashier screen first, the other screens one tab away. */
function Workspace() {
  const [tab, setTab] = useState<Tab>('checkout');
  const t = useT();
  const api = useApp((s) => s.api);
  const isManager = useApp((s) => s.session?.user.role === 'manager');
  // Device states, settings and print jobs follow the host's events while someone is signed in.
  useEffect(() => (api ? connectDevices() : undefined), [api]);
  return (
    <>
      <nav className="tabs">
        {TABS.filter((x) => isManager || !x.managerOnly).map((x) => (
          <button key={x.id} type="button" data-testid={`tab-${x.id}`} className={tab === x.id ? 'active' : ''} onClick={() => setTab(x.id)}>
            {t(x.label)}
          </button>
        ))}
      </nav>
      <PrintJobsNotice />
      {tab === 'checkout' ? <Checkout /> : tab === 'sales' ? <Sales /> : tab === 'shift' ? <Shift /> : tab === 'devices' && isManager ? <Devices /> : tab === 'users' && isManager ? <Users /> : <Status />}
    </>
  );
}

export function App() {
  const api = useApp((s) => s.api);
  const session = useApp((s) => s.session);
  const link = useApp((s) => s.link);
  const setInfo = useApp((s) => s.setInfo);
  const setSession = useApp((s) => s.setSession);

  useEffect(() => {
    if (!api || !link.connected) return;
    const refresh = () =>
      void api.call('host.info').then((r) => {
        if (r.ok) setInfo(r.value);
      });
    refresh();
    void api.call('settings.get').then((r) => {
      if (r.ok) applyTerminalLocale(r.value.ui.locale);
    });
    // A reconnect is a new connection on the host: its session is gone, so ask instead of assuming.
    void api.call('session.current').then((r) => {
      if (r.ok) setSession(r.value);
    });
    // Device states too: the Status screen shows them from host.info (the engineer on call looks there first).
    const offs = [api.on('connectivity.changed', refresh), api.on('settings.changed', refresh), api.on('device.state', refresh)];
    return () => offs.forEach((off) => off());
  }, [api, link.connected, setInfo, setSession]);

  return (
    <div className="app">
      <TopBar />
      {session ? <Workspace /> : <Login />}
    </div>
  );
}
