import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { type ClientHandle, type Host } from '../host';
import { type Logger } from '../log';
import { contentSecurityPolicy, serveStatic } from './static-files';
import { type WireRequest } from '../../shared/api/client';

export type BrowserServerOptions = {
  host: Host;
  log: Logger;
  /** Built renderer folder (index.html + assets). */
  staticDir: string;
  port?: number;
  /** Always loopback: the API is not meant to be reachable from the shop's network. */
  bindAddress?: '127.0.0.1';
  /** Fixed token for tests; a random one per start otherwise. */
  token?: string;
};

export type BrowserServer = { url: string; appUrl: string; port: number; token: string; close(): Promise<void> };

/** Largest frame a client may send; contract inputs are far smaller. */
const MAX_FRAME_BYTES = 256 * 1024;

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function refuseUpgrade(socket: Socket, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
  // Whatever the peer does now (a reset mid-answer), the socket goes.
  socket.destroySoon();
}

/**
 * Browser mode: serves the renderer and the contract over WebSocket on 127.0.0.1. A WebSocket is accepted
 * only with the per-start token and an Origin of this very server, so another local page or program
 * cannot drive the till.
 */
export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const bind = opts.bindAddress ?? '127.0.0.1';
  let port = 0;
  const allowedOrigins = (): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const handleStatic = serveStatic(opts.staticDir, () => contentSecurityPolicy(`ws://127.0.0.1:${port}`));
  const server = http.createServer(handleStatic);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  // Each open socket and the host client it speaks as (events are passed on by that client's session).
  const sockets = new Map<WebSocket, ClientHandle>();

  server.on('upgrade', (req, socket: Socket, head) => {
    // Node hands the socket over without its own error listener: a peer resetting the connection (before
    // or while it is refused) would otherwise be an uncaught 'error' and take the host down.
    socket.on('error', (e) => opts.log.warn('API connection error before the WebSocket opened', { error: e }));
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://x');
    } catch {
      // A request line no URL parser takes (e.g. `GET http://[ HTTP/1.1`): refused, never thrown.
      return refuseUpgrade(socket, 400, 'Bad Request');
    }
    if (url.pathname !== '/api') return refuseUpgrade(socket, 404, 'Not Found');
    const origin = req.headers.origin ?? '';
    if (!allowedOrigins().includes(origin)) {
      opts.log.warn('refused API connection: wrong origin', { origin: origin.slice(0, 100) });
      return refuseUpgrade(socket, 403, 'Forbidden origin');
    }
    if (!sameSecret(url.searchParams.get('token') ?? '', token)) {
      opts.log.warn('refused API connection: bad token', { origin });
      return refuseUpgrade(socket, 401, 'Bad token');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  wss.on('connection', (ws: WebSocket) => {
    const client = opts.host.connect();
    sockets.set(ws, client);
    ws.on('message', (data, isBinary) => {
      const reply = (id: unknown, result: unknown): void => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
      };
      let frame: WireRequest;
      try {
        if (isBinary) throw new Error('binary frame');
        frame = JSON.parse(data.toString()) as WireRequest;
        if (typeof frame !== 'object' || frame === null || !Number.isSafeInteger(frame.id)) throw new Error('frame without an integer id');
      } catch (e) {
        reply(null, { ok: false, error: { code: 'VALIDATION', message: `malformed frame: ${e instanceof Error ? e.message : 'unknown'}` } });
        return;
      }
      void opts.host.call(frame.method, frame.params, client).then((result) => reply(frame.id, result));
    });
    ws.on('close', () => {
      sockets.delete(ws);
      opts.host.disconnect(client);
    });
    ws.on('error', (e) => opts.log.warn('websocket error', { error: e }));
  });

  const unsubscribe = opts.host.subscribe((event) => {
    const text = JSON.stringify(event);
    for (const [ws, client] of sockets) if (ws.readyState === ws.OPEN && opts.host.mayReceive(client, event)) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bind, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    appUrl: `${origin}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      // close() waits for every connection to end, and a browser keeps some open (keep-alive, a request
      // in flight): cut them now, or closing (and the host's shutdown behind it) can wait indefinitely.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
