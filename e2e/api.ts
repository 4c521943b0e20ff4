import WebSocket from 'ws';
import { type RunningHost } from './fixtures';

type WireResult = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * The host's API from the test itself (Node), over the same WebSocket the page uses: for setting up what
 * would take the UI too long (a busy day's sales). Every call must succeed.
 */
export async function apiClient(pos: RunningHost): Promise<{ must: <T = unknown>(method: string, params?: unknown) => Promise<T>; close(): void }> {
  const ws = new WebSocket(`${pos.origin.replace('http', 'ws')}/api?token=${pos.token}`, { origin: pos.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (r: WireResult) => void>();
  ws.on('message', (data: WebSocket.RawData) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: WireResult };
    if (msg.id !== undefined && msg.result) pending.get(msg.id)?.(msg.result);
  });
  return {
    async must<T>(method: string, params?: unknown): Promise<T> {
      const id = nextId++;
      const result = await new Promise<WireResult>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      });
      pending.delete(id);
      if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
      return result.value as T;
    },
    close: () => ws.close(),
  };
}
