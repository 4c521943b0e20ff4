import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type BrowserServer, startBrowserServer } from './browser-server';
import { silentLogger } from '../log';
import { type TestHost, TEST_MANAGER_PIN, startTestHost } from '../testing/host-fixture';

let t: TestHost | undefined;
let server: BrowserServer | undefined;
let staticDir = '';

afterEach(async () => {
  await server?.close();
  await t?.dispose();
  if (staticDir) fs.rmSync(staticDir, { recursive: true, force: true });
  server = undefined;
  t = undefined;
});

async function start(): Promise<BrowserServer> {
  t = await startTestHost();
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-static-'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>POS</title>');
  server = await startBrowserServer({ host: t.host, log: silentLogger, staticDir });
  return server;
}

/** Opens a socket; resolves with the socket or rejects with the HTTP status of a refused upgrade. */
function connect(s: BrowserServer, token: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api?token=${encodeURIComponent(token)}`, { origin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function request(ws: WebSocket, frame: unknown): Promise<{ id: unknown; result: { ok: boolean; value?: unknown; error?: { code: string } } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(data.toString()) as { id?: unknown; event?: string };
      if ('event' in msg) return;
      ws.off('message', onMessage);
      resolve(msg as never);
    };
    ws.on('message', onMessage);
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('browser-mode server', () => {
  it('serves the renderer with a strict CSP', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/some/route`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<title>POS</title>');
    const escape = await fetch(`${s.url}/..%2f..%2fetc%2fpasswd`);
    expect([403, 200]).toContain(escape.status);
    if (escape.status === 200) expect(await escape.text()).toContain('<title>POS</title>');
  });

  it('refuses a bad token and a foreign origin', async () => {
    const s = await start();
    await expect(connect(s, 'wrong', s.url)).rejects.toThrow('status 401');
    await expect(connect(s, '', s.url)).rejects.toThrow('status 401');
    await expect(connect(s, s.token, 'http://evil.example')).rejects.toThrow('status 403');
    await expect(connect(s, s.token, '')).rejects.toThrow('status 403');
  });

  it('answers contract calls, malformed frames and pushes events', async () => {
    const s = await start();
    const ws = await connect(s, s.token, `http://localhost:${s.port}`);
    const info = await request(ws, { id: 1, method: 'host.info' });
    expect(info).toMatchObject({ id: 1, result: { ok: true, value: { terminalId: 'T01' } } });
    expect(await request(ws, 'not json')).toMatchObject({ id: null, result: { ok: false, error: { code: 'VALIDATION' } } });
    // 1e999 parses to Infinity: refused as malformed, the method never runs.
    expect(await request(ws, '{"id":1e999,"method":"sale.open","params":{}}')).toMatchObject({ id: null, result: { ok: false, error: { code: 'VALIDATION' } } });
    expect(await request(ws, { id: 1.5, method: 'host.info' })).toMatchObject({ id: null, result: { ok: false, error: { code: 'VALIDATION' } } });
    expect(await request(ws, { id: 2, method: 'settings.update', params: { store: { name: 'x' } } })).toMatchObject({ result: { error: { code: 'NOT_AUTHENTICATED' } } });
    expect(await request(ws, { id: 3, method: 'session.login', params: { userId: 'manager', pin: TEST_MANAGER_PIN } })).toMatchObject({ result: { ok: true } });
    const event = new Promise<unknown>((resolve) => ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { event?: string };
      if (m.event) resolve(m);
    }));
    expect(await request(ws, { id: 4, method: 'settings.update', params: { store: { name: '二号店' } } })).toMatchObject({ result: { ok: true } });
    expect(await event).toMatchObject({ event: 'settings.changed', payload: { store: { name: '二号店' } } });
    ws.close();
  });

  it('refuses an upgrade whose request target no URL parser takes (400), and keeps serving', async () => {
    const s = await start();
    const answer = await new Promise<string>((resolve) => {
      const sock = net.connect(s.port, '127.0.0.1', () =>
        sock.write('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'),
      );
      let out = '';
      sock.on('data', (d) => (out += d.toString()));
      sock.on('close', () => resolve(out));
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    const ws = await connect(s, s.token, s.url);
    expect(await request(ws, { id: 1, method: 'host.info' })).toMatchObject({ result: { ok: true } });
    ws.close();
  });

  it('a refused upgrade whose client resets the connection is no uncaught error: the host keeps serving', async () => {
    const s = await start();
    const uncaught: unknown[] = [];
    const onError = (e: unknown): void => void uncaught.push(e);
    process.prependListener('uncaughtException', onError);
    try {
      for (let i = 0; i < 30; i++) {
        await new Promise<void>((resolve) => {
          const sock = net.connect(s.port, '127.0.0.1', () => {
            sock.write(`GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: http://evil.example\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
            setImmediate(() => {
              sock.resetAndDestroy();
              resolve();
            });
          });
          sock.on('error', () => resolve());
        });
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(uncaught).toEqual([]);
    const ws = await connect(s, s.token, s.url);
    expect(await request(ws, { id: 1, method: 'host.info' })).toMatchObject({ result: { ok: true } });
    ws.close();
  });

  it('closes a connection that sends an oversized frame, without crashing', async () => {
    const s = await start();
    const ws = await connect(s, s.token, s.url);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send('x'.repeat(300 * 1024));
    expect(await closed).toBe(1009);
    const again = await connect(s, s.token, s.url);
    expect(await request(again, { id: 1, method: 'host.info' })).toMatchObject({ result: { ok: true } });
    again.close();
  });

  it('passes scans, sales and payments only to signed-in connections; public events to all', async () => {
    const s = await start();
    const seen = (ws: WebSocket): { event: string; payload: unknown }[] => {
      const got: { event: string; payload: unknown }[] = [];
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { event?: string; payload?: unknown };
        if (m.event) got.push({ event: m.event, payload: m.payload });
      });
      return got;
    };
    const signedOut = await connect(s, s.token, s.url);
    const signedIn = await connect(s, s.token, s.url);
    const outEvents = seen(signedOut);
    const inEvents = seen(signedIn);
    expect(await request(signedIn, { id: 1, method: 'session.login', params: { userId: 'manager', pin: TEST_MANAGER_PIN } })).toMatchObject({ result: { ok: true } });
    // Another screen at work: a scanned code (its full digits are in the scan event), a cash sale, a setting.
    await t?.loginManager();
    const code = '134567890123456789';
    await t?.must('scan.report', { source: 'wedge', deviceId: 'wedge', code, at: 1 });
    const sale = await t?.must('sale.open');
    await t?.must('sale.addLine', { saleId: sale?.id ?? '', kind: 'amount', unitPriceFen: 100 });
    await t?.must('sale.tenderCash', { saleId: sale?.id ?? '', givenFen: 100 });
    await t?.must('settings.update', { store: { name: '三号店' } });
    // A round trip on each socket: every event sent before it has arrived.
    await request(signedOut, { id: 2, method: 'host.info' });
    await request(signedIn, { id: 2, method: 'host.info' });
    expect(outEvents.map((e) => e.event)).toEqual(['settings.changed']);
    expect(JSON.stringify(outEvents)).not.toContain(code);
    expect(inEvents.map((e) => e.event)).toEqual(expect.arrayContaining(['scan', 'sale.changed', 'settings.changed']));
    // Signing out stops them again.
    await request(signedIn, { id: 3, method: 'session.logout' });
    const before = inEvents.length;
    await t?.must('scan.report', { source: 'wedge', deviceId: 'wedge', code: '134567890123456788', at: 2 });
    await request(signedIn, { id: 4, method: 'host.info' });
    expect(inEvents.length).toBe(before);
    signedOut.close();
    signedIn.close();
  });

  it('a special file among the renderer files (here a socket) is never opened: served as a route, no crash', async () => {
    const s = await start();
    const sockPath = path.join(staticDir, 'app.js');
    const sock = net.createServer().listen(sockPath);
    await new Promise((r) => sock.once('listening', r));
    try {
      const res = await fetch(`${s.url}/app.js`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>POS</title>');
      expect((await fetch(`${s.url}/`)).status).toBe(200);
    } finally {
      sock.close();
    }
  });
});
