import { describe, it, expect, afterEach } from 'vitest';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { httpSend, TransportError, transportOutcome } from './transport';

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => sockets.add(s));
  servers.push({ close: () => { for (const s of sockets) s.destroy(); server.close(); } });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closedPortUrl(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/x`;
}

const failure = async (p: Promise<unknown>): Promise<TransportError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TransportError) return e;
    throw e;
  }
  throw new Error('expected a TransportError');
};

describe('httpSend', () => {
  it('posts and returns status, headers and body', async () => {
    const url = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(201, { 'x-echo': req.headers['content-type'] ?? '' });
        res.end(`got:${body}`);
      });
    });
    const res = await httpSend({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, body: '中文', timeoutMs: 2000 });
    expect(res.status).toBe(201);
    expect(res.headers['x-echo']).toBe('text/plain');
    expect(res.body.toString()).toBe('got:中文');
  });

  it('connection refused → not_sent', async () => {
    const e = await failure(httpSend({ method: 'POST', url: await closedPortUrl(), body: 'x', timeoutMs: 2000 }));
    expect(e.delivery).toBe('not_sent');
    expect(e.code).toBe('ECONNREFUSED');
    expect(transportOutcome(e).status).toBe('not_sent');
  });

  it('DNS failure → not_sent', async () => {
    const e = await failure(httpSend({ method: 'POST', url: 'http://no-such-host.invalid/x', body: 'x', timeoutMs: 5000 }));
    expect(e.delivery).toBe('not_sent');
  });

  it('bad URLs → not_sent', async () => {
    expect((await failure(httpSend({ method: 'GET', url: 'not a url', timeoutMs: 100 }))).delivery).toBe('not_sent');
    expect((await failure(httpSend({ method: 'GET', url: 'ftp://127.0.0.1/x', timeoutMs: 100 }))).code).toBe('BAD_URL');
  });

  it('no answer in time after connecting → maybe_sent TIMEOUT', async () => {
    const url = await listen(() => undefined);
    const e = await failure(httpSend({ method: 'POST', url, body: 'x', timeoutMs: 100 }));
    expect(e).toMatchObject({ delivery: 'maybe_sent', code: 'TIMEOUT' });
    expect(transportOutcome(e)).toMatchObject({ status: 'unknown', retryable: true });
  });

  it('reset after the request was written → maybe_sent', async () => {
    const url = await listen((req) => req.socket.destroy());
    expect((await failure(httpSend({ method: 'POST', url, body: 'x', timeoutMs: 2000 }))).delivery).toBe('maybe_sent');
  });

  it('truncated body → maybe_sent', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    expect((await failure(httpSend({ method: 'GET', url, timeoutMs: 2000 }))).delivery).toBe('maybe_sent');
  });

  it('oversized answer → maybe_sent RESPONSE_TOO_LARGE', async () => {
    const url = await listen((_req, res) => res.end(Buffer.alloc(5000, 97)));
    expect((await failure(httpSend({ method: 'GET', url, timeoutMs: 2000, maxResponseBytes: 1000 }))).code).toBe('RESPONSE_TOO_LARGE');
  });

  it('anything else thrown by an injected sender counts as maybe sent', () => {
    expect(transportOutcome(new Error('boom'))).toMatchObject({ status: 'unknown' });
    expect(transportOutcome('weird')).toMatchObject({ status: 'unknown' });
  });
});
