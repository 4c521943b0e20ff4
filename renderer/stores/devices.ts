import { create } from 'zustand';
import { type DeviceStateView, type PrintJobView, type PrintResult, type ScanSummary } from '../../shared/api/devices';
import { type ApiError } from '../../shared/api/result';
import { DEFAULT_DEVICES_SETTINGS, type DevicesSettings } from '../../shared/devices/settings';
import { useApp } from './app';

/**
 * Devices as the renderer sees them: scanner/printer states, the devices settings (wedge thresholds,
 * camera), open print jobs (what the cashier must know about), and the Devices screen's test results.
 * `connectDevices()` keeps it in sync with the host's events; call it once per connection.
 */
type DevicesState = {
  states: DeviceStateView[];
  settings: DevicesSettings;
  openJobs: PrintJobView[];
  scans: ScanSummary[];
  testPrint: PrintResult | null;
  error: ApiError | null;
  setError(error: ApiError | null): void;
};

export const useDevices = create<DevicesState>((set) => ({
  states: [],
  settings: DEFAULT_DEVICES_SETTINGS,
  openJobs: [],
  scans: [],
  testPrint: null,
  error: null,
  setError: (error) => set({ error }),
}));

const api = () => {
  const a = useApp.getState().api;
  if (!a) throw new Error('no API client');
  return a;
};

const OPEN_STATES = new Set(['queued', 'printing', 'uncertain']);

function upsertJob(jobs: PrintJobView[], job: PrintJobView): PrintJobView[] {
  const rest = jobs.filter((j) => j.id !== job.id);
  return OPEN_STATES.has(job.state) ? [job, ...rest] : rest;
}

export async function refreshDevices(): Promise<void> {
  const [states, jobs, settings] = await Promise.all([api().call('devices.status'), api().call('devices.printJobs', { open: true }), api().call('settings.get')]);
  useDevices.setState({
    ...(states.ok ? { states: states.value } : {}),
    ...(jobs.ok ? { openJobs: jobs.value } : {}),
    ...(settings.ok ? { settings: settings.value.devices } : {}),
  });
}

/** Subscribes the store to device events; returns the unsubscribe function. */
export function connectDevices(): () => void {
  const a = api();
  void refreshDevices();
  const offs = [
    a.on('device.state', (s) => useDevices.setState((st) => ({ states: [...st.states.filter((x) => x.id !== s.id), s].sort((x, y) => x.id.localeCompare(y.id)) }))),
    a.on('print.job', (job) => useDevices.setState((st) => ({ openJobs: upsertJob(st.openJobs, job) }))),
    a.on('settings.changed', (s) => useDevices.setState({ settings: s.devices })),
    a.on('scan', (scan) => {
      const { code: _code, ...summary } = scan;
      useDevices.setState((st) => ({ scans: [summary, ...st.scans.filter((x) => x.seq !== summary.seq)].slice(0, 50) }));
    }),
  ];
  return () => offs.forEach((off) => off());
}

async function run<T>(fn: () => Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>): Promise<T | null> {
  useDevices.getState().setError(null);
  const r = await fn();
  if (!r.ok) {
    useDevices.getState().setError(r.error);
    return null;
  }
  return r.value;
}

export async function saveDevicesSettings(patch: Partial<DevicesSettings>): Promise<boolean> {
  const next = await run(() => api().call('settings.update', { devices: patch }));
  if (next) useDevices.setState({ settings: next.devices });
  return next !== null;
}

export async function runTestPrint(): Promise<void> {
  const r = await run(() => api().call('devices.testPrint'));
  if (r) useDevices.setState({ testPrint: r });
}

/** Opens (or with 0, closes) the host's test-scan window and loads the recent scans. */
export async function testScanWindow(seconds: number): Promise<void> {
  const r = await run(() => api().call('devices.testScan', { seconds }));
  if (r) useDevices.setState({ scans: r.scans });
}

export async function retryJob(jobId: string): Promise<void> {
  await run(() => api().call('devices.retryJob', { jobId }));
}

export async function dismissJob(jobId: string): Promise<void> {
  await run(() => api().call('devices.dismissJob', { jobId }));
}
