import { useEffect, useState } from 'react';
import { type SyncStatus } from '../../shared/api/sync';
import { useApp } from '../stores/app';
import { connectSync, loadFlagged, resendFlagged, syncNow, useSync } from '../stores/sync';
import { formatAge } from '../stores/sync-form';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { SyncForm } from './SyncForm';

const time = (iso: string | null): string | null => (iso === null ? null : new Date(iso).toLocaleTimeString());

/** Date.now(), re-rendered every second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [ticking]);
  return now;
}

/** The state line: connectivity, queue, what is in flight, last success and error, oldest unsent, flags. */
function SyncStateLine({ status }: { status: SyncStatus }) {
  const t = useT();
  const locale = useApp((s) => s.locale);
  const conn = useSync((s) => s.connectivity);
  const fallback = useApp((s) => s.info?.connectivity ?? 'online');
  const state = conn?.state ?? fallback;
  const item = (id: string, label: MessageKey, value: string, extra: Record<string, string | number> = {}) => (
    <div className="row" data-testid={`sync-${id}`} {...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`data-${k}`, String(v)]))}>
      <dt>{t(label)}</dt>
      <dd>{value}</dd>
    </div>
  );
  // The age is as of the status's arrival; it keeps growing on screen until the next status.
  const statusAt = useSync((s) => s.statusAt);
  const now = useNow(status.oldestUnsentAgeMs !== null);
  const age = status.oldestUnsentAgeMs === null ? t('sync.none') : formatAge(status.oldestUnsentAgeMs + Math.max(0, now - statusAt), locale);
  return (
    <dl data-testid="sync-state-line">
      {item('connectivity', 'sync.connectivity', `${t(`conn.${state}`)}${conn?.reason ? ` · ${conn.reason}` : ''}`, { state })}
      {item('hq', 'sync.hq', status.enabled ? status.hqUrl : t('sync.off'), { enabled: String(status.enabled) })}
      {item('queued', 'sync.queued', String(status.queued), { count: status.queued })}
      {item('sending', 'sync.sending', String(status.sending), { count: status.sending })}
      {item('last-success', 'sync.lastSuccess', time(status.lastSuccessAt) ?? t('sync.never'), { set: String(status.lastSuccessAt !== null) })}
      {item('last-error', 'sync.lastError', status.lastError ?? t('sync.none'), { set: String(status.lastError !== null) })}
      {item('oldest', 'sync.oldest', status.oldestUnsentAgeMs === null ? age : t('sync.ago').replace('{n}', age))}
      {status.nextAttemptAt !== null && item('next', 'sync.nextAttempt', time(status.nextAttemptAt) ?? '')}
      {item('parked', 'sync.parked', String(status.parked), { count: status.parked })}
      {item('conflicts', 'sync.conflicts', String(status.conflicts), { count: status.conflicts })}
    </dl>
  );
}

/** Managers: the entries HQ refused (parked) or that clash at HQ (conflicts), loaded on demand. */
function FlaggedList() {
  const t = useT();
  const flagged = useSync((s) => s.flagged);
  const count = useSync((s) => (s.status ? s.status.parked + s.status.conflicts : 0));
  // The counts changed (an event): a list on screen is reloaded so it never contradicts them.
  const shown = flagged !== null;
  useEffect(() => {
    if (shown) void loadFlagged();
  }, [count, shown]);
  return (
    <section className="sync-flagged">
      <h3>{t('sync.flagged.title')}</h3>
      <button type="button" data-testid="sync-flagged-load" onClick={() => void loadFlagged()}>
        {t('sync.flagged.load')}
      </button>
      {flagged !== null &&
        (flagged.length === 0 ? (
          <p data-testid="sync-flagged-empty">{t('sync.flagged.empty')}</p>
        ) : (
          <table>
            <tbody data-testid="sync-flagged-list">
              {flagged.map((f) => (
                <tr key={f.seq} data-testid="sync-flagged-row" data-state={f.state}>
                  <td>#{f.seq}</td>
                  <td>{t(`sync.kind.${f.kind}`)}</td>
                  <td>{t(`sync.flagged.state.${f.state}`)}</td>
                  <td>{new Date(f.createdAt).toLocaleString()}</td>
                  <td>
                    <small>{f.lastError ?? ''}</small>
                  </td>
                  <td>
                    <button type="button" data-testid="sync-flagged-resend" onClick={() => void resendFlagged([f.seq])}>
                      {t('sync.flagged.resend')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

/** Status screen section: sync to HQ (issue #4). Everyone sees the state and may sync now; managers configure. */
export function SyncPanel() {
  const t = useT();
  const api = useApp((s) => s.api);
  const connected = useApp((s) => s.link.connected);
  const isManager = useApp((s) => s.session?.user.role === 'manager');
  const status = useSync((s) => s.status);
  const syncing = useSync((s) => s.syncing);
  const error = useSync((s) => s.error);
  const loaded = useSync((s) => s.loaded);
  // Status, connectivity and settings follow the host's events while this screen is open.
  useEffect(() => (api && connected ? connectSync() : undefined), [api, connected]);
  return (
    <section className="sync" data-testid="sync-panel">
      <h2>{t('sync.title')}</h2>
      {status && <SyncStateLine status={status} />}
      <button type="button" data-testid="sync-now" disabled={syncing} onClick={() => void syncNow()}>
        {syncing ? t('sync.syncing') : t('sync.now')}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="sync-error">
          {t(`error.${error.code}` as MessageKey) ?? t('error.generic')} — {error.message}
        </p>
      )}
      {isManager && loaded && <SyncForm />}
      {isManager && <FlaggedList />}
    </section>
  );
}
