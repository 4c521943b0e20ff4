/**
 * The channel sandbox: one node:http server that simulates WeChat Pay v2, Alipay openapi, UnionPay (our JSON
 * protocol) and a Jeepay-compatible aggregator at their real paths and formats, with scripted scenarios
 * (see ./scenarios) and a ledger that records what was really charged.
 *
 * Control endpoints:
 *   POST /__sandbox/scenario  {scenario, count?, channel?, operation?}  force the next N matching requests
 *                                                                      (any other field, or a scenario that
 *                                                                      does nothing on that operation: 400)
 *   GET  /__sandbox/ledger                                             ledger snapshot (JSON), with `submissions`:
 *                                                                      pay requests per payment code
 *   POST /__sandbox/reset                                              empty ledger and scenario queue
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { classifyPaymentCode } from '../../shared/payments/code';
import { type Clock, systemClock } from '../clock';
import { handleAlipay } from './alipay';
import { handleJeepay, JEEPAY_SANDBOX_PATHS } from './jeepay';
import { generateSandboxKeys, type SandboxKeys } from './keys';
import { createLedger, SANDBOX_CHANNELS, type Ledger, type SandboxChannel } from './ledger';
import { keepLedger, type LedgerKeeper, snapshotWithoutCodes } from './ledger-file';
import { BUSINESS_SCENARIO_OPERATIONS, createScenarioQueue, isFault, SANDBOX_OPERATIONS, scenarioActsOn, scenarioForAmount, SCENARIOS, type ForcedScenario, type SandboxOperation, type Scenario } from './scenarios';
import { type HandlerContext, isPrepared, type PreparedRequest, type ProtocolHandler, type SandboxHttpRequest, type SandboxHttpResponse } from './types';
import { handleUnionpay, UNIONPAY_PATH } from './unionpay';
import { handleWechat, WECHAT_PATHS } from './wechat';

export type SandboxOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '0.0.0.0';
  clock?: Clock;
  keys?: Partial<SandboxKeys>;
  /** Password entry completes after this many queries… */
  passwordQueries?: number;
  /** …or this much (injected-clock) time, whichever comes first. */
  passwordDelayMs?: number;
  /** Delay of the `slow` scenario's answer (real time). */
  slowDelayMs?: number;
  /** When the `late` scenario's held-up pay request reaches the gateway (injected-clock time). */
  lateDelayMs?: number;
  /** Keep the ledger in this file across restarts (the training till's in-process sandbox: ledger-file.ts). */
  stateFile?: string;
  /** A kept ledger that could not be read (moved aside) or written: for the caller's log. */
  onStateProblem?: (message: string) => void;
  /** `GET /__sandbox/ledger` shows payment codes masked (the training till's sandbox: a customer's code). */
  hideCodes?: boolean;
  /** The key codes are digested with in the kept ledger (the till's own, so a restart still matches them). */
  codeDigestKey?: Buffer;
};

export type Sandbox = {
  url: string;
  keys: SandboxKeys;
  ledger: Ledger;
  setScenario(forced: ForcedScenario): void;
  reset(): void;
  close(): Promise<void>;
};

const MAX_BODY = 1024 * 1024;

function route(path: string): ProtocolHandler | undefined {
  if (path === '/gateway.do') return handleAlipay;
  if (path === UNIONPAY_PATH) return handleUnionpay;
  if (JEEPAY_SANDBOX_PATHS.includes(path)) return handleJeepay;
  if (WECHAT_PATHS.includes(path.replace(/^\/sandboxnew/, ''))) return handleWechat;
  return undefined;
}

function channelOf(handler: ProtocolHandler): SandboxChannel {
  return handler === handleAlipay ? 'alipay' : handler === handleUnionpay ? 'unionpay' : handler === handleJeepay ? 'jeepay' : 'wechat';
}

/** The payment code a pay request carried (normalised like the classifier does), for the ledger's submissions. */
function submittedCode(channel: SandboxChannel, prepared: PreparedRequest, body: Buffer): string | undefined {
  let raw = prepared.authCode;
  if (raw === undefined && channel === 'jeepay') {
    // AUTO_BAR carries it in channelExtra, a JSON string inside the JSON body.
    try {
      const outer: unknown = JSON.parse(body.toString('utf8'));
      const extra: unknown = outer && typeof outer === 'object' && 'channelExtra' in outer && typeof outer.channelExtra === 'string' ? JSON.parse(outer.channelExtra) : undefined;
      if (extra && typeof extra === 'object' && 'authCode' in extra && typeof extra.authCode === 'string') raw = extra.authCode;
    } catch {
      // not JSON: the handler answers that
    }
  }
  if (raw === undefined || raw === '') return undefined;
  const cls = classifyPaymentCode(raw);
  return cls.ok ? cls.code : raw;
}

/** The `slow` scenario's delay: past the till's default request timeout (15 s), so the till does time out. */
export const DEFAULT_SLOW_DELAY_MS = 20_000;
/** The `late` scenario's pay request arrives after the till's reverse (45-60 s) and before its late check (5 min). */
export const DEFAULT_LATE_DELAY_MS = 90_000;

/** The fields `POST /__sandbox/scenario` takes; any other is refused. */
const CONTROL_FIELDS = ['scenario', 'count', 'channel', 'operation'] as const;
const scenarioOperations = (s: Scenario): string => (isFault(s) ? 'any operation' : BUSINESS_SCENARIO_OPERATIONS[s].join(', '));
const isScenario = (v: unknown): v is Scenario => typeof v === 'string' && (SCENARIOS as readonly string[]).includes(v);

/** Bill files kept for download (Alipay's links); older ones answer 404, as an expired real link does. */
const MAX_DOWNLOADS = 20;

/**
 * Where links in answers (Alipay's bill URL) point: the address the client used (its Host header), so a
 * sandbox listening on 0.0.0.0 and called from another machine links back to itself; otherwise the bound one.
 */
export function linkBase(hostHeader: string | undefined, bound: string): string {
  const ok = hostHeader !== undefined && /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/.test(hostHeader);
  return ok ? `http://${hostHeader}` : bound;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? systemClock;
  const keys = generateSandboxKeys(options.keys);
  const ledger = createLedger({ clock, passwordQueries: options.passwordQueries ?? 2, passwordDelayMs: options.passwordDelayMs ?? 10_000, ...(options.codeDigestKey ? { codeDigestKey: options.codeDigestKey } : {}) });
  const keeper: LedgerKeeper | null = options.stateFile ? keepLedger(options.stateFile, ledger, clock, options.onStateProblem ?? (() => {})) : null;
  const keep = (): void => keeper?.keep();
  const scenarios = createScenarioQueue();
  const slowDelayMs = options.slowDelayMs ?? DEFAULT_SLOW_DELAY_MS;
  const lateDelayMs = options.lateDelayMs ?? DEFAULT_LATE_DELAY_MS;
  const lateArrivals = new Set<{ cancel(): void }>();
  const downloads = new Map<string, { body: Buffer; contentType: string }>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';

  const ctx: HandlerContext = {
    ledger,
    keys,
    clock,
    publish(body, contentType) {
      const path = `/__sandbox/download/${randomBytes(12).toString('hex')}`;
      downloads.set(path, { body, contentType });
      // Bounded like the real short-lived links: only the newest few bills stay downloadable.
      for (const old of downloads.keys()) {
        if (downloads.size <= MAX_DOWNLOADS) break;
        downloads.delete(old);
      }
      return path;
    },
  };

  const send = (res: http.ServerResponse, r: SandboxHttpResponse): void => {
    if (res.destroyed) return;
    res.writeHead(r.status, { 'content-type': r.contentType });
    res.end(r.body);
  };
  const sendJson = (res: http.ServerResponse, status: number, body: unknown): void => send(res, { status, contentType: 'application/json', body: JSON.stringify(body) });

  /** An empty ledger and scenario queue; a held-up ("late") pay request still on its way never arrives. */
  function reset(): void {
    for (const a of lateArrivals) a.cancel();
    lateArrivals.clear();
    ledger.reset();
    scenarios.clear();
    keeper?.rewrite();
  }

  function control(req: SandboxHttpRequest, res: http.ServerResponse): void {
    if (req.path === '/__sandbox/ledger' && req.method === 'GET') return sendJson(res, 200, options.hideCodes ? snapshotWithoutCodes(ledger.snapshot(), ledger.digest) : ledger.snapshot());
    if (req.path === '/__sandbox/reset' && req.method === 'POST') {
      reset();
      return sendJson(res, 200, { ok: true });
    }
    if (req.path === '/__sandbox/scenario' && req.method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse(req.body.toString('utf8'));
      } catch {
        return sendJson(res, 400, { ok: false, error: 'JSON body expected' });
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendJson(res, 400, { ok: false, error: 'a JSON object expected' });
      const b = body as Record<string, unknown>;
      // A misspelt field (`chanel`) would otherwise be ignored and its scenario match every channel.
      const unknownFields = Object.keys(b).filter((k) => !(CONTROL_FIELDS as readonly string[]).includes(k));
      if (unknownFields.length > 0) return sendJson(res, 400, { ok: false, error: `unknown field ${unknownFields.join(', ').slice(0, 100)}: expected ${CONTROL_FIELDS.join(', ')}` });
      if (!isScenario(b.scenario)) return sendJson(res, 400, { ok: false, error: `scenario must be one of ${SCENARIOS.join(', ')}` });
      if (b.count !== undefined && (!Number.isSafeInteger(b.count) || (b.count as number) < 1)) return sendJson(res, 400, { ok: false, error: 'count: positive integer' });
      // A typo must not queue a scenario that never matches, nor a wrong type widen it to every channel.
      if (b.channel !== undefined && !(SANDBOX_CHANNELS as readonly unknown[]).includes(b.channel)) return sendJson(res, 400, { ok: false, error: `channel must be one of ${SANDBOX_CHANNELS.join(', ')}` });
      const operations: readonly unknown[] = [...SANDBOX_OPERATIONS, 'any'];
      if (b.operation !== undefined && !operations.includes(b.operation)) return sendJson(res, 400, { ok: false, error: `operation must be one of ${operations.join(', ')}` });
      const operation = (b.operation ?? 'pay') as SandboxOperation | 'any';
      if (!scenarioActsOn(b.scenario, operation)) return sendJson(res, 400, { ok: false, error: `scenario ${b.scenario} does nothing on a ${operation}: it acts on ${scenarioOperations(b.scenario)}` });
      scenarios.push({
        scenario: b.scenario,
        ...(typeof b.count === 'number' ? { count: b.count } : {}),
        ...(typeof b.channel === 'string' ? { channel: b.channel } : {}),
        ...(typeof b.operation === 'string' ? { operation: b.operation as ForcedScenario['operation'] } : {}),
      });
      return sendJson(res, 200, { ok: true, pending: scenarios.pending() });
    }
    const download = downloads.get(req.path);
    if (download && req.method === 'GET') return send(res, { status: 200, contentType: download.contentType, body: download.body });
    return sendJson(res, 404, { ok: false, error: 'unknown control endpoint' });
  }

  function handle(req: SandboxHttpRequest & { socket?: Socket }, res: http.ServerResponse): void {
    if (req.path.startsWith('/__sandbox/')) return control(req, res);
    const handler = route(req.path);
    if (!handler) return send(res, { status: 404, contentType: 'text/plain', body: 'Not found' });
    const prepared = handler(req, ctx);
    if (!isPrepared(prepared)) return send(res, prepared);
    const channel = channelOf(handler);
    // Every pay request that reached the gateway counts, whatever happens to it next (faults, refusals).
    const code = prepared.operation === 'pay' ? submittedCode(channel, prepared, req.body) : undefined;
    if (code !== undefined) ledger.submit(channel, code);
    const forced = scenarios.take(channel, prepared.operation);
    const byAmount = prepared.operation === 'pay' && prepared.amountFen !== undefined ? scenarioForAmount(prepared.amountFen) : 'success';
    const scenario = forced ?? byAmount;
    // Faults that strike before the gateway does anything.
    if (scenario === 'reset') {
      req.socket?.destroy();
      return;
    }
    if (scenario === 'http_5xx') return send(res, { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
    if (scenario === 'late') {
      // Held up on its way: no answer now, and the gateway (queries, reverses) knows nothing of it until it
      // arrives, after the till's reverse, and charges the code.
      req.socket?.destroy();
      const arrival = clock.setTimeout(() => {
        lateArrivals.delete(arrival);
        prepared.run({ scenario: 'success', badSignature: false });
        keep();
      }, lateDelayMs);
      lateArrivals.add(arrival);
      return;
    }
    const answer = prepared.run({ scenario: isFault(scenario) ? 'success' : scenario, badSignature: scenario === 'bad_signature' });
    // Faults after the gateway acted: the charge is in the ledger either way.
    if (scenario === 'lost') {
      req.socket?.destroy();
      return;
    }
    if (scenario === 'slow') {
      const t = setTimeout(() => {
        timers.delete(t);
        send(res, answer);
      }, slowDelayMs);
      timers.add(t);
      return;
    }
    send(res, answer);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        send(res, { status: 413, contentType: 'text/plain', body: 'Request too large' });
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return;
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://sandbox.local');
      } catch {
        send(res, { status: 400, contentType: 'text/plain', body: 'Bad request line' });
        return;
      }
      const request: SandboxHttpRequest & { socket?: Socket } = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
        baseUrl: linkBase(req.headers.host, baseUrl),
        socket: req.socket,
      };
      try {
        handle(request, res);
      } catch (e) {
        send(res, { status: 500, contentType: 'text/plain', body: `sandbox error: ${e instanceof Error ? e.message : String(e)}` });
      }
      // Whatever the request changed is kept before the next one is read (nothing is written if nothing changed).
      keep();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address;
  baseUrl = `http://${host}:${addr.port}`;

  return {
    url: baseUrl,
    keys,
    ledger,
    setScenario: (f) => scenarios.push(f),
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const a of lateArrivals) a.cancel();
        lateArrivals.clear();
        for (const s of sockets) s.destroy();
        keeper?.close();
        server.close(() => resolve());
      }),
  };
}
