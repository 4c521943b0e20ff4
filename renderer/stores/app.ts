import { create } from 'zustand';
import { type PosApi } from '../../shared/api/client';
import { type HostInfo } from '../../shared/api/host';
import { type Session } from '../../shared/api/session';
import { type Locale } from '../../shared/settings';
import { type ClientStatus } from '../api/client';

const LOCALE_KEY = 'pos.locale';

const storedLocale = (): Locale | null => {
  const v = localStorage.getItem(LOCALE_KEY);
  return v === 'en' || v === 'zh-CN' ? v : null;
};

/** Connection to the host, the terminal's identity, the session and the UI language. */
type AppState = {
  api: PosApi | null;
  link: ClientStatus;
  info: HostInfo | null;
  session: Session | null;
  locale: Locale;
  setApi(api: PosApi): void;
  setLink(link: ClientStatus): void;
  setInfo(info: HostInfo): void;
  setSession(session: Session | null): void;
  setLocale(locale: Locale, remember?: boolean): void;
};

export const useApp = create<AppState>((set) => ({
  api: null,
  link: { transport: 'websocket', connected: false },
  info: null,
  session: null,
  locale: storedLocale() ?? 'zh-CN',
  setApi: (api) => set({ api }),
  setLink: (link) => set({ link }),
  setInfo: (info) => set({ info }),
  setSession: (session) => set({ session }),
  setLocale: (locale, remember = true) => {
    if (remember) localStorage.setItem(LOCALE_KEY, locale);
    document.documentElement.lang = locale;
    set({ locale });
  },
}));

/** The terminal default applies unless this browser picked a language itself. */
export const applyTerminalLocale = (locale: Locale): void => {
  if (!storedLocale()) useApp.getState().setLocale(locale, false);
};
