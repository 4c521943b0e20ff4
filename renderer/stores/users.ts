import { create } from 'zustand';
import { type Role } from '../../shared/api/common';
import { type UserSummary } from '../../shared/api/session';
import { type ApiError } from '../../shared/api/result';
import { useApp } from './app';

/**
 * Staff accounts as the Users tab (managers) shows them. The host is the source of truth: every change
 * reloads the list. PINs only pass through as call arguments; the store never holds one.
 */
type UsersState = {
  users: UserSummary[];
  loaded: boolean;
  busy: boolean;
  error: ApiError | null;
};

export const useUsers = create<UsersState>(() => ({ users: [], loaded: false, busy: false, error: null }));

const api = () => {
  const a = useApp.getState().api;
  if (!a) throw new Error('no API client');
  return a;
};

async function run<T>(fn: () => Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>): Promise<T | null> {
  useUsers.setState({ busy: true, error: null });
  const r = await fn();
  useUsers.setState({ busy: false });
  if (!r.ok) {
    useUsers.setState({ error: r.error });
    return null;
  }
  return r.value;
}

export async function refreshUsers(): Promise<void> {
  const r = await api().call('users.list');
  if (r.ok) useUsers.setState({ users: r.value, loaded: true });
  else useUsers.setState({ error: r.error });
}

export async function createUser(input: { id?: string; name: string; role: Role; pin: string }): Promise<UserSummary | null> {
  const user = await run(() => api().call('users.create', input));
  if (user) await refreshUsers();
  return user;
}

export async function setUserPin(userId: string, pin: string): Promise<boolean> {
  return (await run(() => api().call('users.setPin', { userId, pin }))) !== null;
}

export async function setUserActive(userId: string, active: boolean): Promise<boolean> {
  const user = await run(() => api().call('users.setActive', { userId, active }));
  if (user) await refreshUsers();
  return user !== null;
}

export const clearUsersError = (): void => useUsers.setState({ error: null });
