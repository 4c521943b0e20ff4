import { type IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { batchEnvelopeSchema, SYNC_PATHS, SYNC_SCHEMA_VERSION, terminalIdSchema, totalsQuerySchema, type HealthResponse } from '../../shared/sync/protocol';
import { errorBody } from './http-io';
import { type BatchIngest } from './ingest';
import { type HqQueries } from './queries';
import { authenticateCaller, type Caller, type RequestAuthDeps } from './request-auth';

/** HQ endpoints as pure-ish handlers: request in, `{ status, body }` out. Transport concerns live in server.ts. */
export type HqRequest = {
  method: string;
  /** Path without the query. */
  pathname: string;
  /** Path and query exactly as received: what the terminal signed. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remoteAddress: string;
};

export type HqResponse = { status: number; body: unknown };

export type HqLogEvent = { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, string | number | boolean | undefined>;
export type HqLogger = (event: HqLogEvent) => void;

export type RouteDeps = {
  ingest: BatchIngest;
  queries: HqQueries;
  auth: () => RequestAuthDeps;
  nowIso: () => string;
  log: HqLogger;
};

const ENTRIES_PAGE_MAX = 5000;

const entriesQuerySchema = z.strictObject({
  terminalId: terminalIdSchema,
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(ENTRIES_PAGE_MAX).default(1000),
});
const conflictsQuerySchema = z.strictObject({ terminalId: terminalIdSchema.optional() });

const bad = (status: number, code: string, message: string): HqResponse => ({ status, body: errorBody(code, message) });

function queryObject(query: URLSearchParams): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [key, value] of query) {
    if (key in out) return null;
    out[key] = value;
  }
  return out;
}

function parseQuery<S extends z.ZodType>(schema: S, query: URLSearchParams): { ok: true; value: z.infer<S> } | { ok: false; response: HqResponse } {
  const raw = queryObject(query);
  if (raw === null) return { ok: false, response: bad(400, 'invalid_query', 'repeated query parameter') };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, response: bad(400, 'invalid_query', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')) };
  return { ok: true, value: parsed.data };
}

function authenticate(req: HqRequest, deps: RouteDeps, allowAdmin: boolean): { ok: true; caller: Caller } | { ok: false; response: HqResponse } {
  const result = authenticateCaller({ headers: req.headers, method: req.method, path: req.rawPath, body: req.body }, deps.auth(), allowAdmin);
  if (result.ok) return result;
  deps.log({ level: 'warn', msg: 'request refused', reason: result.reason, terminalId: result.terminalId, path: req.pathname, remote: req.remoteAddress });
  return { ok: false, response: bad(401, result.reason, result.message) };
}

/** A terminal may only read its own data (and, when bound to a store, only that store); admin reads all. */
const mayReadTerminal = (caller: Caller, terminalId: string): boolean => caller.kind === 'admin' || caller.terminal.terminalId === terminalId;

function handleBatch(req: HqRequest, deps: RouteDeps): HqResponse {
  const auth = authenticate(req, deps, false);
  if (!auth.ok) return auth.response;
  if (auth.caller.kind !== 'terminal') return bad(403, 'forbidden', 'only terminals upload');
  const terminal = auth.caller.terminal;
  let json: unknown;
  try {
    json = JSON.parse(req.body.toString('utf8'));
  } catch {
    return bad(400, 'invalid_json', 'request body is not JSON');
  }
  const envelope = batchEnvelopeSchema.safeParse(json);
  if (!envelope.success) return bad(400, 'invalid_batch', envelope.error.issues.map((i) => `${i.path.join('.') || '(batch)'}: ${i.message}`).join('; ').slice(0, 1000));
  if (envelope.data.terminalId !== terminal.terminalId) return bad(403, 'terminal_mismatch', `batch is for ${envelope.data.terminalId} but signed by ${terminal.terminalId}`);
  const results = deps.ingest({ terminalId: terminal.terminalId, boundStoreId: terminal.storeId, entries: envelope.data.entries, receivedAt: deps.nowIso() });
  const count = (status: string): number => results.filter((r) => r.status === status).length;
  const conflicts = count('conflict');
  const rejected = count('rejected');
  deps.log({
    level: conflicts > 0 || rejected > 0 ? 'warn' : 'info',
    msg: 'batch',
    terminalId: terminal.terminalId,
    entries: results.length,
    stored: count('stored'),
    duplicate: count('duplicate'),
    rejected,
    conflict: conflicts,
  });
  return { status: 200, body: { results } };
}

function handleTotals(req: HqRequest, deps: RouteDeps): HqResponse {
  const auth = authenticate(req, deps, true);
  if (!auth.ok) return auth.response;
  const query = parseQuery(totalsQuerySchema, req.query);
  if (!query.ok) return query.response;
  const caller = auth.caller;
  if (caller.kind === 'terminal' && caller.terminal.storeId !== null && caller.terminal.storeId !== query.value.storeId) {
    return bad(403, 'forbidden', `terminal ${caller.terminal.terminalId} may only read store ${caller.terminal.storeId}`);
  }
  const totals = deps.queries.dailyTotals(query.value);
  if (totals.unreadable) logUnreadable(deps, totals.unreadable);
  return { status: 200, body: totals };
}

/** Stored rows HQ can no longer read: an operator must look at them (they count in no figure). */
function logUnreadable(deps: RouteDeps, rows: readonly { terminalId: string; seq: number; reason: string }[]): void {
  const first = rows[0];
  deps.log({ level: 'error', msg: 'stored entries unreadable; left out', count: rows.length, terminalId: first?.terminalId, seq: first?.seq, reason: first?.reason });
}

function handleConflicts(req: HqRequest, deps: RouteDeps): HqResponse {
  const auth = authenticate(req, deps, true);
  if (!auth.ok) return auth.response;
  const query = parseQuery(conflictsQuerySchema, req.query);
  if (!query.ok) return query.response;
  const terminalId = auth.caller.kind === 'terminal' ? auth.caller.terminal.terminalId : query.value.terminalId;
  if (terminalId !== undefined && !mayReadTerminal(auth.caller, terminalId)) return bad(403, 'forbidden', 'a terminal reads only its own conflicts');
  return { status: 200, body: { conflicts: deps.queries.conflicts(terminalId === undefined ? {} : { terminalId }) } };
}

function handleEntries(req: HqRequest, deps: RouteDeps): HqResponse {
  const auth = authenticate(req, deps, true);
  if (!auth.ok) return auth.response;
  const query = parseQuery(entriesQuerySchema, req.query);
  if (!query.ok) return query.response;
  if (!mayReadTerminal(auth.caller, query.value.terminalId)) return bad(403, 'forbidden', 'a terminal reads only its own entries');
  const { entries, unreadable } = deps.queries.entries(query.value);
  if (unreadable.length) logUnreadable(deps, unreadable);
  return { status: 200, body: unreadable.length ? { entries, unreadable } : { entries } };
}

const ROUTES: Record<string, { method: string; handle: (req: HqRequest, deps: RouteDeps) => HqResponse }> = {
  [SYNC_PATHS.health]: {
    method: 'GET',
    handle: (_req, deps): HqResponse => {
      const body: HealthResponse = { ok: true, service: 'pos-hq', protocolVersion: SYNC_SCHEMA_VERSION, time: deps.nowIso() };
      return { status: 200, body };
    },
  },
  [SYNC_PATHS.batches]: { method: 'POST', handle: handleBatch },
  [SYNC_PATHS.totals]: { method: 'GET', handle: handleTotals },
  [SYNC_PATHS.conflicts]: { method: 'GET', handle: handleConflicts },
  [SYNC_PATHS.entries]: { method: 'GET', handle: handleEntries },
};

export function route(req: HqRequest, deps: RouteDeps): HqResponse {
  const target = Object.hasOwn(ROUTES, req.pathname) ? ROUTES[req.pathname] : undefined;
  if (target === undefined) return bad(404, 'not_found', `no endpoint ${req.pathname}`);
  if (req.method !== target.method) return bad(405, 'method_not_allowed', `${req.pathname} accepts ${target.method}`);
  return target.handle(req, deps);
}
