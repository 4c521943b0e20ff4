import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { DEFAULT_REPLAY_WINDOW_MS, MAX_BATCH_BODY_BYTES } from '../../shared/sync/protocol';
import { createNonceCache } from '../sync/client/auth';
import { openHqDatabase } from './db';
import { isBeforeHandling, mangleAcks, storeSome, type FaultHook, type HqFault } from './faults';
import { errorBody, jsonBytes, readBody, sendBytes, sendJson } from './http-io';
import { createBatchIngest } from './ingest';
import { createHqQueries } from './queries';
import { route, type HqLogger, type HqRequest, type HqResponse } from './routes';
import { createTerminalLookup, upsertTerminals, type TerminalsOption } from './terminals';

/**
 * The reference HQ receiver: node:http (or https with key/cert) + its own SQLite ledger. See
 * docs/sync-protocol.md for the wire protocol.
 */
export type HqOptions = {
  dbPath: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Registered (upserted) at start; terminals registered earlier in the database stay valid. */
  terminals?: TerminalsOption;
  /** Bearer token for read-only back-office access to totals, conflicts and entries. */
  adminToken?: string;
  /** Milliseconds since the epoch; injectable for replay-window tests. */
  clock?: () => number;
  replayWindowMs?: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  faults?: FaultHook;
  log?: HqLogger;
};

export type HqHandle = {
  url: string;
  port: number;
  close(): Promise<void>;
};

const noLog: HqLogger = () => undefined;

function applyAfterFault(res: ServerResponse, fault: HqFault | undefined, response: HqResponse): void {
  if (fault === undefined) {
    sendJson(res, response.status, response.body);
    return;
  }
  switch (fault.kind) {
    case 'status':
      sendJson(res, fault.status, errorBody('injected', `injected HTTP ${fault.status}`));
      return;
    case 'garbage':
      sendBytes(res, 200, Buffer.from('<html>502 Bad Gateway</html>'), 'text/html');
      return;
    case 'wrong-shape':
      sendJson(res, 200, { ok: 'yes', stored: true });
      return;
    case 'close-after-store':
      res.socket?.destroy();
      return;
    case 'truncate': {
      const bytes = jsonBytes(response.body);
      res.writeHead(response.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return;
    }
    default: {
      // The ack family (partial, duplicated, reordered, dropped, foreign, some stored): a mangled answer.
      const body = response.body as { results?: unknown };
      const mangled = Array.isArray(body.results) ? mangleAcks(fault, body.results) : undefined;
      sendJson(res, response.status, mangled === undefined ? response.body : { results: mangled });
    }
  }
}

export async function startHq(options: HqOptions): Promise<HqHandle> {
  const clock = options.clock ?? Date.now;
  const nowIso = (): string => new Date(clock()).toISOString();
  const log = options.log ?? noLog;
  const windowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new Error(`replayWindowMs must be > 0, got ${windowMs}`);
  if (options.adminToken !== undefined && options.adminToken.length < 16) throw new Error('adminToken must be at least 16 characters');

  const db = openHqDatabase(options.dbPath);
  let closed = false;
  let requestCount = 0;
  try {
    if (options.terminals !== undefined) upsertTerminals(db, options.terminals, nowIso());
  } catch (error) {
    db.close();
    throw error;
  }
  const terminals = createTerminalLookup(db);
  const nonces = createNonceCache(windowMs);
  const deps = {
    ingest: createBatchIngest(db),
    queries: createHqQueries(db),
    auth: () => ({ findTerminal: terminals.find, adminToken: options.adminToken, nonces, windowMs, nowMs: clock() }),
    nowIso,
    log,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requestCount += 1;
    const rawPath = req.url ?? '/';
    const url = new URL(rawPath, 'http://hq.invalid');
    const method = req.method ?? 'GET';
    const body = await readBody(req, MAX_BATCH_BODY_BYTES);
    if (!body.ok) {
      if (body.reason === 'too_large') sendJson(res, 413, errorBody('too_large', `request body exceeds ${MAX_BATCH_BODY_BYTES} bytes`), { connection: 'close' });
      return;
    }
    const fault = options.faults?.({ method, path: url.pathname, requestNumber: requestCount });
    if (fault !== undefined && isBeforeHandling(fault)) {
      if (fault.kind === 'hang') return;
      if (fault.kind === 'close-before-store') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      else {
        applyAfterFault(res, fault, { status: 500, body: null });
        return;
      }
    }
    if (closed) return;
    const request: HqRequest = { method, pathname: url.pathname, rawPath, query: url.searchParams, headers: req.headers, body: body.body, remoteAddress: req.socket.remoteAddress ?? '' };
    const response = route(request, fault?.kind === 'store-some' ? { ...deps, ingest: storeSome(deps.ingest, fault.seed) } : deps);
    if (fault?.kind === 'delay') {
      // Stored (unless the delay came first, above); a late answer may meet a client that already gave up.
      if (fault.afterStore === true) await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (closed) return;
      applyAfterFault(res, undefined, response);
      return;
    }
    applyAfterFault(res, fault, response);
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      log({ level: 'error', msg: 'request failed', path: req.url, error: error instanceof Error ? error.message : String(error) });
      sendJson(res, 500, errorBody('internal', 'HQ could not process the request'));
    });
  };
  const server: Server = options.tls === undefined ? createHttpServer(listener) : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener);
  const host = options.host ?? '127.0.0.1';

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    db.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `${options.tls === undefined ? 'http' : 'https'}://${urlHost}:${port}`;
  log({ level: 'info', msg: 'hq listening', url, terminals: terminals.list().length });

  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) {
          resolve();
          return;
        }
        closed = true;
        server.close(() => {
          db.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
