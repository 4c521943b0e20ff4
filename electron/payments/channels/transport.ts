/**
 * HTTP transport for gateway adapters, with the one distinction that matters for money:
 * did the request possibly reach the gateway?
 *
 * - `not_sent`: failed before a connection existed (ECONNREFUSED, DNS failure, unreachable, TLS handshake,
 *   connect timeout). No byte of the request left the machine.
 * - `maybe_sent`: anything after the connection was up (timeout waiting for the answer, reset, truncated
 *   body). The gateway may have acted on it.
 *
 * Each request uses its own connection (`agent: false`): a stale keep-alive socket would blur that line.
 * Adapters take a `SendFn` so tests can inject fakes.
 */
import http from 'node:http';
import https from 'node:https';

export type TlsClientOptions = {
  /** PKCS#12 client certificate (WeChat `apiclient_cert.p12`), needed by real WeChat for reverse/refund. */
  pfx?: Buffer;
  passphrase?: string;
  cert?: string | Buffer;
  key?: string | Buffer;
  ca?: string | Buffer;
};

export type HttpRequest = {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  tls?: TlsClientOptions;
  /** Answers larger than this are cut off (and count as maybe-sent failures). Default 4 MiB. */
  maxResponseBytes?: number;
};

export type HttpResponse = { status: number; headers: Record<string, string>; body: Buffer };

export type SendFn = (req: HttpRequest) => Promise<HttpResponse>;

export class TransportError extends Error {
  constructor(
    readonly delivery: 'not_sent' | 'maybe_sent',
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

const DEFAULT_MAX_RESPONSE = 4 * 1024 * 1024;
/** A daily bill: one line per order of the whole merchant account (several tills, several stores). */
export const BILL_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** And the time to fetch one over a shop's line: two minutes, whatever a payment request's deadline is. */
export const BILL_TIMEOUT_MS = 120_000;

/** The real sender: node:http / node:https with a hard per-request deadline. */
export const httpSend: SendFn = (req) =>
  new Promise<HttpResponse>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new TransportError('not_sent', 'BAD_URL', 'Gateway URL is not valid'));
      return;
    }
    const isHttps = url.protocol === 'https:';
    if (!isHttps && url.protocol !== 'http:') {
      reject(new TransportError('not_sent', 'BAD_URL', `Unsupported protocol ${url.protocol}`));
      return;
    }
    const maxBytes = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    const headers: Record<string, string | number> = { connection: 'close', ...req.headers };
    if (body) headers['content-length'] = body.length;

    let connected = false;
    let settled = false;
    const fail = (delivery: 'not_sent' | 'maybe_sent', code: string, message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new TransportError(delivery, code, message));
      request.destroy();
    };

    const options: https.RequestOptions = {
      method: req.method,
      hostname: url.hostname,
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers,
      agent: false,
      ...(isHttps ? { ...req.tls } : {}),
    };
    const request = (isHttps ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          fail('maybe_sent', 'RESPONSE_TOO_LARGE', `Answer larger than ${maxBytes} bytes`);
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled) return;
        if (!res.complete) {
          fail('maybe_sent', 'TRUNCATED', 'Connection closed in the middle of the answer');
          return;
        }
        settled = true;
        clearTimeout(timer);
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
      });
      res.on('aborted', () => fail('maybe_sent', 'TRUNCATED', 'Answer aborted'));
      res.on('error', (e: NodeJS.ErrnoException) => fail('maybe_sent', e.code ?? 'RESPONSE_ERROR', e.message));
    });

    request.on('socket', (socket) => {
      // Connected means the request bytes can go out: for TLS only after the handshake.
      const event = isHttps ? 'secureConnect' : 'connect';
      if (!socket.connecting && !isHttps) connected = true;
      socket.once(event, () => {
        connected = true;
      });
    });
    request.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? 'NETWORK_ERROR';
      fail(connected ? 'maybe_sent' : 'not_sent', code, e.message);
    });
    const timer = setTimeout(() => {
      fail(connected ? 'maybe_sent' : 'not_sent', connected ? 'TIMEOUT' : 'CONNECT_TIMEOUT', `No answer within ${req.timeoutMs} ms`);
    }, req.timeoutMs);
    request.end(body);
  });

/** Turn any thrown transport failure into the adapter-level outcome. */
export function transportOutcome(e: unknown): { status: 'not_sent'; reason: string } | { status: 'unknown'; reason: string; retryable: true } {
  if (e instanceof TransportError) {
    if (e.delivery === 'not_sent') return { status: 'not_sent', reason: `${e.code}: ${e.message}` };
    return { status: 'unknown', reason: `${e.code}: ${e.message}`, retryable: true };
  }
  // An injected sender that threw something else: we cannot prove it was not sent.
  const message = e instanceof Error ? e.message : String(e);
  return { status: 'unknown', reason: `SEND_FAILED: ${message}`, retryable: true };
}
