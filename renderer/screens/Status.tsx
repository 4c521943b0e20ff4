import { useApp } from '../stores/app';
import { useT } from '../i18n/useT';
import { SyncPanel } from './SyncPanel';
import { GatewaysPanel } from './GatewaysPanel';

/** What a newcomer or the engineer on call checks first: who, where, which data, which mode, which link. */
export function Status() {
  const info = useApp((s) => s.info);
  const session = useApp((s) => s.session);
  const link = useApp((s) => s.link);
  const t = useT();
  if (!info) return null;
  const rows: [string, string, string][] = [
    ['version', t('status.version'), info.version],
    ['store', t('status.store'), `${info.storeName} (${info.storeId})`],
    ['terminal', t('status.terminal'), `${info.terminalName} (${info.terminalId})`],
    ['mode', t('status.mode'), t(info.mode === 'sandbox' ? 'status.mode.sandbox' : 'status.mode.live')],
    ['connectivity', t('status.connectivity'), t(`conn.${info.connectivity}`)],
    ['host', t('status.host'), `${link.transport} · ${t(link.connected ? 'host.connected' : 'host.disconnected')}`],
    ['data-dir', t('status.dataDir'), info.dataDir],
    ['database', t('status.database'), `${info.dbPath} (schema v${info.schemaVersion})`],
    ['started', t('status.startedAt'), new Date(info.startedAt).toLocaleString()],
    ['user', t('status.user'), session ? `${session.user.name} · ${t(session.user.role === 'manager' ? 'role.manager' : 'role.cashier')}` : '—'],
  ];
  return (
    <main className="status" data-testid="status-screen">
      <h1>{t('status.title')}</h1>
      <dl>
        {rows.map(([id, label, value]) => (
          <div key={id} className="row" data-testid={`status-${id}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h2>{t('status.devices')}</h2>
      {info.devices.length === 0 ? (
        <p data-testid="status-devices">{t('status.devices.none')}</p>
      ) : (
        <ul data-testid="status-devices">
          {info.devices.map((d) => (
            <li key={`${d.kind}:${d.name}`}>
              {d.kind} · {d.name} · {d.state}
            </li>
          ))}
        </ul>
      )}
      <SyncPanel />
      {session?.user.role === 'manager' && <GatewaysPanel />}
    </main>
  );
}
