import { z } from 'zod';
import {
  dailyTotalsSchema,
  entryAckSchema,
  healthResponseSchema,
  hqErrorBodySchema,
  MAX_BATCH_ENTRIES,
  SYNC_PATHS,
  type DailyTotals,
  type EntryAck,
  type OutboxEntry,
  type TotalsQuery,
} from '../../../shared/sync/protocol';
import { type AckRef, splitAcks } from './acks';
import { signRequest } from './auth';

/**
 * The terminal's HTTP client for HQ. Every call returns a classified outcome instead of throwing, so the
 * sync worker only decides what to do next:
 * - acked: HQ answered; `results` may cover only part of the batch (or repeat, reorder, or name entries
 *   it does not hold: splitAcks sorts that out by key), `missingKeys` lists the entries to resend.
 * - transient: network error, timeout, 5xx, 429, garbage or truncated answer. Retry later with backoff;
 *   the batch may or may not have been stored, which is safe because HQ deduplicates by key.
 * - auth: 401/403, a configuration problem (unknown terminal, wrong secret, clock skew). Retrying
 *   unchanged will not help; show it to the manager.
 * - refused: any other 4xx or an unusable configuration (bad URL, oversized batch). Do not resend unchanged.
 */
export type SyncClientConfig = {
  baseUrl: string;
  terminalId: string;
  secret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Clock for the signature timestamp; Date.now by default. */
  now?: () => number;
};

export type UploadResult =
  | { kind: 'acked'; results: EntryAck[]; missingKeys: string[] }
  /** `noAnswer`: nothing came back (network error, timeout); otherwise HQ answered, just not usefully (5xx, garbage). */
  | { kind: 'transient'; reason: string; noAnswer?: true }
  | { kind: 'auth'; reason: string; status: number }
  | { kind: 'refused'; reason: string; status?: number };

type Failure = Exclude<UploadResult, { kind: 'acked' }>;
type RawResponse = { kind: 'response'; status: number; text: string };

function buildUrl(baseUrl: string, pathAndQuery: string): URL | null {
  try {
    const url = new URL(baseUrl.replace(/\/+$/, '') + pathAndQuery);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
};

/** Sends one request (signed unless `signed` is false) and reads the whole body within the timeout. */
async function send(config: SyncClientConfig, method: 'GET' | 'POST', pathAndQuery: string, body: Uint8Array | null, signed: boolean): Promise<RawResponse | Failure> {
  const url = buildUrl(config.baseUrl, pathAndQuery);
  if (url === null) return { kind: 'refused', reason: `invalid HQ URL: ${config.baseUrl}` };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== null) headers['content-type'] = 'application/json';
  if (signed) {
    Object.assign(
      headers,
      signRequest({
        terminalId: config.terminalId,
        secret: config.secret,
        method,
        path: url.pathname + url.search,
        body: body ?? '',
        nowMs: (config.now ?? Date.now)(),
      }),
    );
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), config.timeoutMs);
  try {
    const response = await (config.fetch ?? fetch)(url, { method, headers, body, signal: controller.signal });
    // The timeout also covers reading the body: a server that stalls mid-answer is a transient failure.
    const text = await response.text();
    return { kind: 'response', status: response.status, text };
  } catch (error) {
    if (controller.signal.aborted) return { kind: 'transient', reason: `timeout after ${config.timeoutMs} ms`, noAnswer: true };
    return { kind: 'transient', reason: `network error: ${describe(error)}`, noAnswer: true };
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorMessage(text: string): string {
  const parsed = hqErrorBodySchema.safeParse(parseJson(text));
  return parsed.success ? `${parsed.data.error.code}: ${parsed.data.error.message}` : text.slice(0, 200);
}

/** Maps a non-2xx status to its outcome; null for 2xx. */
function classifyStatus(raw: RawResponse): Failure | null {
  const { status } = raw;
  if (status >= 200 && status < 300) return null;
  const detail = `HTTP ${status}: ${errorMessage(raw.text)}`;
  if (status === 401 || status === 403) return { kind: 'auth', status, reason: detail };
  if (status >= 500 || status === 408 || status === 429) return { kind: 'transient', reason: detail };
  return { kind: 'refused', status, reason: detail };
}

function parseBody<S extends z.ZodType>(schema: S, raw: RawResponse): { ok: true; value: z.infer<S> } | { ok: false; failure: Failure } {
  const json = parseJson(raw.text);
  if (json === undefined) return { ok: false, failure: { kind: 'transient', reason: `unparsable answer from HQ (${raw.text.length} bytes)` } };
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, failure: { kind: 'transient', reason: `answer from HQ does not match the protocol: ${parsed.error.issues[0]?.message ?? 'invalid'}` } };
  return { ok: true, value: parsed.data };
}

/**
 * The answer as the client accepts it: the protocol's shape, but room for every ack twice, so an HQ or proxy
 * that repeats acks is still understood (splitAcks ignores the repeats) instead of failing the batch forever.
 */
const lenientBatchResponseSchema = z.strictObject({ results: z.array(entryAckSchema).max(2 * MAX_BATCH_ENTRIES) });

/** Uploads one batch (1..MAX_BATCH_ENTRIES entries of this terminal). Never throws. */
export async function uploadBatch(config: SyncClientConfig, entries: readonly OutboxEntry[]): Promise<UploadResult> {
  return uploadSerializedBatch(config, entries, entries.map((e) => Buffer.from(JSON.stringify(e))));
}

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

/**
 * uploadBatch for entries already serialised (the outbox stores each entry's JSON): the body is spliced
 * from their UTF-8 bytes, the same bytes JSON.stringify of the request would give, without parsing,
 * re-serialising or re-encoding any entry on each attempt. `refs[i]` is the key and seq inside `entriesJson[i]`.
 */
export async function uploadSerializedBatch(config: SyncClientConfig, refs: readonly AckRef[], entriesJson: readonly Uint8Array[]): Promise<UploadResult> {
  if (refs.length !== entriesJson.length) return { kind: 'refused', reason: `${refs.length} refs for ${entriesJson.length} entries` };
  if (refs.length === 0) return { kind: 'acked', results: [], missingKeys: [] };
  if (refs.length > MAX_BATCH_ENTRIES) return { kind: 'refused', reason: `batch of ${refs.length} entries exceeds ${MAX_BATCH_ENTRIES}; split it` };
  const parts: Uint8Array[] = [Buffer.from(`{"terminalId":${JSON.stringify(config.terminalId)},"entries":[`)];
  entriesJson.forEach((entry, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(entry);
  });
  parts.push(CLOSE);
  const raw = await send(config, 'POST', SYNC_PATHS.batches, Buffer.concat(parts), true);
  if (raw.kind !== 'response') return raw;
  const failure = classifyStatus(raw);
  if (failure !== null) return failure;
  const answer = parseBody(lenientBatchResponseSchema, raw);
  if (!answer.ok) return answer.failure;
  // Acks are matched by key (splitAcks): unknown, repeated or contradicting ones never mark an entry.
  return { kind: 'acked', results: answer.value.results, missingKeys: splitAcks(refs, answer.value.results).unacked };
}

export type ProbeResult = { ok: true; latencyMs: number } | { ok: false; reason: string };

/** Light connectivity probe (unauthenticated GET /v1/health). */
export async function probeHq(config: Pick<SyncClientConfig, 'baseUrl' | 'timeoutMs' | 'fetch' | 'now'>): Promise<ProbeResult> {
  const now = config.now ?? Date.now;
  const started = now();
  const raw = await send({ ...config, terminalId: '', secret: '' }, 'GET', SYNC_PATHS.health, null, false);
  if (raw.kind !== 'response') return { ok: false, reason: raw.reason };
  const failure = classifyStatus(raw);
  if (failure !== null) return { ok: false, reason: failure.reason };
  const body = parseBody(healthResponseSchema, raw);
  if (!body.ok) return { ok: false, reason: body.failure.reason };
  return { ok: true, latencyMs: Math.max(0, now() - started) };
}

export type TotalsResult = { kind: 'totals'; totals: DailyTotals } | Failure;

/** Store-wide daily totals as HQ has them (signed GET /v1/totals). */
export async function fetchDailyTotals(config: SyncClientConfig, query: TotalsQuery): Promise<TotalsResult> {
  const search = new URLSearchParams({ date: query.date, storeId: query.storeId });
  const raw = await send(config, 'GET', `${SYNC_PATHS.totals}?${search.toString()}`, null, true);
  if (raw.kind !== 'response') return raw;
  const failure = classifyStatus(raw);
  if (failure !== null) return failure;
  const body = parseBody(dailyTotalsSchema, raw);
  return body.ok ? { kind: 'totals', totals: body.value } : body.failure;
}
