/**
 * The preload exposes exactly one object, `window.pos`, that can only call contract methods and
 * subscribe to contract events. Method and event names are checked against the contract here too, so a
 * compromised page cannot use this bridge as a generic IPC channel.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventName, isMethodName } from '../shared/api/contract';
import { type PosApi } from '../shared/api/client';
import { IPC_CALL, IPC_EVENT } from './ipc-channels';

const pos: PosApi = {
  call(method, input) {
    if (typeof method !== 'string' || !isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method ${String(method)}` } });
    }
    return ipcRenderer.invoke(IPC_CALL, method, input) as Promise<never>;
  },
  on(event, listener) {
    if (!isEventName(event)) return () => undefined;
    const handler = (_e: IpcRendererEvent, frame: { event: string; payload: unknown }): void => {
      if (frame.event === event) (listener as (p: unknown) => void)(frame.payload);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => void ipcRenderer.removeListener(IPC_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('pos', pos);
