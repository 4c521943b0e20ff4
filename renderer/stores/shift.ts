import { create } from 'zustand';
import { type CashDirection, type ShiftView } from '../../shared/api/shifts';
import { type ApiError } from '../../shared/api/result';
import { useApp } from './app';

/**
 * The terminal's shift as the Shift screen shows it. The host is the source of truth: every action
 * returns the new shift, and `shift.changed` (and sales/refunds, which move cash) reload it.
 */
type ShiftState = {
  /** The open shift; null when none is open. */
  current: ShiftView | null;
  /** The shift this screen just closed: its expected vs counted result stays on screen. */
  lastClosed: ShiftView | null;
  /** Recently closed shifts (managers only). */
  recent: ShiftView[];
  loaded: boolean;
  busy: boolean;
  error: ApiError | null;
};

export const useShift = create<ShiftState>(() => ({ current: null, lastClosed: null, recent: [], loaded: false, busy: false, error: null }));

const api = () => {
  const a = useApp.getState().api;
  if (!a) throw new Error('no API client');
  return a;
};

async function run<T>(fn: () => Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>): Promise<T | null> {
  useShift.setState({ busy: true, error: null });
  const r = await fn();
  useShift.setState({ busy: false });
  if (!r.ok) {
    useShift.setState({ error: r.error });
    return null;
  }
  return r.value;
}

export async function refreshShift(): Promise<void> {
  const r = await api().call('shift.current');
  if (r.ok) useShift.setState({ current: r.value, loaded: true });
  if (useApp.getState().session?.user.role === 'manager') {
    const list = await api().call('shift.list', { limit: 10 });
    if (list.ok) useShift.setState({ recent: list.value });
  }
}

/** Keeps the store in sync with the host while the screen is shown; returns the unsubscribe function. */
export function connectShift(): () => void {
  const a = api();
  void refreshShift();
  const reload = (): void => void refreshShift();
  const offs = [a.on('shift.changed', reload), a.on('sale.changed', reload), a.on('refund.progress', reload)];
  return () => offs.forEach((off) => off());
}

export async function openShift(openingFloatFen: number): Promise<boolean> {
  const shift = await run(() => api().call('shift.open', { openingFloatFen }));
  if (shift) useShift.setState({ current: shift, lastClosed: null });
  return shift !== null;
}

export type MovementForm = { direction: CashDirection; amountFen: number; reason: string; requestId: string; authorize?: { userId: string; pin: string } };

export async function moveCash(form: MovementForm): Promise<boolean> {
  const r = await run(() => api().call('shift.cashMovement', form));
  if (r) useShift.setState({ current: r.shift });
  return r !== null;
}

export async function closeShift(countedCashFen: number, note: string): Promise<boolean> {
  const closed = await run(() => api().call('shift.close', { countedCashFen, ...(note.trim() ? { note: note.trim() } : {}) }));
  if (!closed) return false;
  useShift.setState({ current: null, lastClosed: closed });
  void refreshShift();
  return true;
}

export const clearShiftError = (): void => useShift.setState({ error: null });
