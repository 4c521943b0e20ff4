import { create } from 'zustand';
import { type OutboxFlagged, type SyncStatus } from '../../shared/api/sync';
import { type HostInfo } from '../../shared/api/host';
import { type ApiError } from '../../shared/api/result';
import { DEFAULT_SYNC_SETTINGS, type SyncSettings } from '../../shared/sync/settings';
import { useApp } from './app';
import { type SyncConfigureInput } from './sync-form';

/**
 * Sync to HQ as the renderer sees it: the worker's status (queue, last success, last error…), the
 * connectivity indicator with its reason, the sync settings (for the manager's form) and, for managers,
 * the parked/conflicting entries. `connectSync()` keeps it in step with the host's `sync.status`,
 * `connectivity.changed` and `settings.changed` events; call it once per connection.
 */
type SyncState = {
  status: SyncStatus | null;
  /** When `status` arrived (Date.now()): its ages are as of then. */
  statusAt: number;
  connectivity: { state: HostInfo['connectivity']; reason: string } | null;
  settings: SyncSettings;
  /** The settings came from the host (the form starts from them, not from defaults). */
  loaded: boolean;
  flagged: OutboxFlagged[] | null;
  syncing: boolean;
  saving: boolean;
  /** The last action's error (sync now, configure, parked list). */
  error: ApiError | null;
};

export const useSync = create<SyncState>(() => ({
  status: null,
  statusAt: 0,
  connectivity: null,
  settings: DEFAULT_SYNC_SETTINGS,
  loaded: false,
  flagged: null,
  syncing: false,
  saving: false,
  error: null,
}));

const api = () => {
  const a = useApp.getState().api;
  if (!a) throw new Error('no API client');
  return a;
};

const fresh = (status: SyncStatus): Pick<SyncState, 'status' | 'statusAt'> => ({ status, statusAt: Date.now() });

const sameSync = (a: SyncSettings, b: SyncSettings): boolean => (Object.keys(a) as (keyof SyncSettings)[]).every((k) => a[k] === b[k]);

export async function refreshSync(): Promise<void> {
  const [status, info, settings] = await Promise.all([api().call('sync.status'), api().call('host.info'), api().call('settings.get')]);
  useSync.setState((st) => ({
    ...(status.ok ? fresh(status.value) : {}),
    // An event may have arrived meanwhile: it is newer than this answer and carries the reason.
    ...(info.ok && st.connectivity === null ? { connectivity: { state: info.value.connectivity, reason: '' } } : {}),
    ...(settings.ok ? { settings: sameSync(st.settings, settings.value.sync) ? st.settings : settings.value.sync, loaded: true } : {}),
  }));
}

/** Subscribes the store to the sync-related events; returns the unsubscribe function. */
export function connectSync(): () => void {
  const a = api();
  useSync.setState({ connectivity: null });
  void refreshSync();
  const offs = [
    a.on('sync.status', (status) => useSync.setState(fresh(status))),
    a.on('connectivity.changed', (c) => useSync.setState({ connectivity: c })),
    // Other sections change too (devices, payments): the form resets only when the sync section did.
    a.on('settings.changed', (s) => useSync.setState((st) => (sameSync(st.settings, s.sync) ? {} : { settings: s.sync }))),
  ];
  return () => offs.forEach((off) => off());
}

export async function syncNow(): Promise<void> {
  useSync.setState({ syncing: true, error: null });
  const r = await api().call('sync.now');
  useSync.setState(r.ok ? { syncing: false, ...fresh(r.value) } : { syncing: false, error: r.error });
}

/** Saves HQ URL, secret (write-only), batch size and interval; true when the host accepted them. */
export async function configureSync(input: SyncConfigureInput): Promise<boolean> {
  useSync.setState({ saving: true, error: null });
  const r = await api().call('sync.configure', input);
  useSync.setState(r.ok ? { saving: false, ...fresh(r.value) } : { saving: false, error: r.error });
  return r.ok;
}

/** Parked and conflicting entries (managers only). */
export async function loadFlagged(): Promise<void> {
  const r = await api().call('sync.parked', { limit: 100 });
  useSync.setState(r.ok ? { flagged: r.value } : { error: r.error });
}

/** A manager sends parked or conflicting entries again (what HQ refused them for is fixed there). */
export async function resendFlagged(seqs: number[]): Promise<void> {
  const r = await api().call('sync.requeue', { seqs });
  if (!r.ok) return void useSync.setState({ error: r.error });
  useSync.setState(fresh(r.value.status));
  await loadFlagged();
}
