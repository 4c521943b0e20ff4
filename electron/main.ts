/**
 * Electron main process: a thin shell around createHost. It creates one hardened window, wires the
 * contract to ipcMain.handle on a single channel (the dispatcher validates every call), and forwards
 * contract events. No business logic lives here.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session, shell, type WebContents } from 'electron';
import { createHost, type ClientHandle, type Host } from './host';
import { createLogger } from './log';
import { contentSecurityPolicy } from './transport/static-files';
import { IPC_CALL, IPC_EVENT } from './ipc-channels';
import { PUBLIC_EVENTS } from '../shared/api/events';
import { parseStartArgs } from './paths';

const log = createLogger();
const kiosk = process.argv.includes('--kiosk') || process.env.POS_KIOSK === '1';
const args = process.argv.slice(process.defaultApp ? 2 : 1).filter((a) => a.startsWith('--data-dir') || a === '--headless');
const dataDir = parseStartArgs(args, { ...process.env, POS_DATA_DIR: process.env.POS_DATA_DIR ?? app.getPath('userData') }).dataDir;

// One POS per machine user: a second launch brings the running window forward instead of starting.
if (!app.requestSingleInstanceLock()) app.exit(0);
app.on('second-instance', () => {
  const w = BrowserWindow.getAllWindows()[0];
  if (!w) return;
  if (w.isMinimized()) w.restore();
  w.focus();
});

let host: Host | undefined;
const clients = new Map<number, ClientHandle>();

function clientFor(contents: WebContents): ClientHandle {
  let client = clients.get(contents.id);
  if (!client && host) {
    client = host.connect();
    clients.set(contents.id, client);
    contents.once('destroyed', () => {
      clients.delete(contents.id);
      if (client) host?.disconnect(client);
    });
  }
  if (!client) throw new Error('host not ready');
  return client;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    kiosk,
    autoHideMenuBar: true,
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  // Navigation and new windows are blocked; external links (if any) open in the system browser.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(path.join(__dirname, '..', 'dist', 'renderer', 'index.html'));
  return win;
}

void app.whenReady().then(() => {
  try {
    host = createHost({
      dataDir,
      transport: 'electron',
      logger: log,
      onFirstRun: ({ managerPin, generated }) => {
        if (generated) log.info('first run: manager PIN generated and shown once on the console');
        if (generated) process.stdout.write(`First run: manager PIN ${managerPin} (shown once)\n`);
      },
    });
  } catch (e) {
    log.error('cannot start the host', { error: e });
    // The cashier sees why (e.g. the database is in use by another POS started with the same data folder).
    dialog.showErrorBox('POS cannot start', e instanceof Error ? e.message : String(e));
    app.exit(1);
    return;
  }

  const csp = contentSecurityPolicy("'none'");
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // The camera is the only permission a page may get (for payment-code scanning).
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(permission === 'media' && mediaTypes.every((m) => m === 'video'));
  });
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permission === 'media');

  ipcMain.handle(IPC_CALL, async (event, method: unknown, params: unknown) => {
    if (!host) return { ok: false, error: { code: 'INTERNAL', message: 'host not ready' } };
    return host.call(method, params, clientFor(event.sender));
  });
  host.subscribe((ev) => {
    // A window that never called (no client yet) has no session: public events only.
    for (const w of BrowserWindow.getAllWindows()) {
      const client = clients.get(w.webContents.id);
      if (client ? host?.mayReceive(client, ev) : PUBLIC_EVENTS.has(ev.event)) w.webContents.send(IPC_EVENT, ev);
    }
  });

  createWindow();
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

app.on('window-all-closed', () => {
  void host?.close().finally(() => app.quit());
});
