import { type PosApi } from '../../shared/api/client';
import { createWsTransport } from './ws-transport';

declare global {
  // Global augmentation needs an interface (a type alias cannot merge with Window).
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface Window {
    /** Present only inside Electron: the one object the preload exposes. */
    pos?: PosApi;
  }
}

const TOKEN_KEY = 'pos.token';

/** Reads the browser-mode token from the URL once, keeps it for this tab, and removes it from the address bar. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export type ClientStatus = { transport: 'electron' | 'websocket'; connected: boolean };

/** Picks the transport at start: Electron's `window.pos` when present, WebSocket to the host otherwise. */
export function createClient(onStatus: (s: ClientStatus) => void): PosApi {
  if (window.pos) {
    onStatus({ transport: 'electron', connected: true });
    return window.pos;
  }
  const token = takeToken();
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api?token=${encodeURIComponent(token)}`;
  return createWsTransport({ url: wsUrl, onStatus: (connected) => onStatus({ transport: 'websocket', connected }) });
}
