import { type HostContext } from '../api/context';
import { getSecret } from '../services/settings-store';
import { splitAcks } from './client/acks';
import { backoffDelay } from './client/backoff';
import { type SyncClientConfig, probeHq, uploadSerializedBatch } from './client/upload';
import { applyAcks, compactOutbox, outboxCounts, pendingBatch, recordFailure } from './outbox';
import { type SyncStatus } from '../../shared/api/sync';

/**
 * Uploads the outbox to HQ (docs/sync-protocol.md §4, §6): pending entries in seq order, one batch in
 * flight, marks entries sent only on HQ's ack, parks rejected ones, flags conflicts (never resent), resends
 * unacked ones, and backs off with full jitter after transient failures. Runs off the call path: a sale
 * never waits for it. Every outcome is reported to connectivity as source 'hq'.
 */
export const SYNC_SECRET_KEY = 'sync.secret';
/** A batch body stays well under HQ's 8 MiB limit whatever the entry sizes. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const DAY_MS = 24 * 3600_000;

export type SyncWorkerOptions = {
  /** Uniform [0, 1) for backoff jitter; Math.random by default. */
  random?: () => number;
  /** First retry's delay bound and the cap (docs: 1 s, 60 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  fetch?: typeof fetch;
};

export type SyncWorker = {
  start(): void;
  stop(): Promise<void>;
  /** Wakes the worker now (resets the backoff); resolves when that pass ends. */
  runNow(): Promise<void>;
  /** New entries were committed: upload soon unless HQ is backing off. */
  notifyEnqueued(): void;
  status(): SyncStatus;
  /** For the connectivity probe: undefined when sync is off (the probe then says nothing). */
  probe(): Promise<boolean | undefined>;
};

export function createSyncWorker(ctx: HostContext, opts: SyncWorkerOptions = {}): SyncWorker {
  const random = opts.random ?? Math.random;
  const baseMs = opts.backoffBaseMs ?? 1000;
  const maxMs = opts.backoffMaxMs ?? 60_000;
  const log = ctx.log.child({ svc: 'sync' });
  let running = false;
  let pass: Promise<void> | null = null;
  let again = false;
  let timer: { cancel(): void } | null = null;
  let nextAttemptMs: number | null = null;
  let attempt = 0;
  let backingOff = false;
  let sending = 0;
  let lastSuccessAt: string | null = null;
  let lastError: string | null = null;
  let kickQueued = false;
  /** The last upload failed with no answer at all (not an HQ error answer). */
  let waitingForNetwork = false;

  const iso = (ms: number): string => new Date(ms).toISOString();
  const config = (): SyncClientConfig | null => {
    const s = ctx.settings();
    const secret = getSecret(ctx.db, SYNC_SECRET_KEY);
    if (s.sync.hqUrl === '' || secret === undefined) return null;
    return { baseUrl: s.sync.hqUrl, terminalId: s.terminal.id, secret, timeoutMs: s.sync.timeoutMs, now: () => ctx.clock.now(), ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  };

  const status = (): SyncStatus => {
    const s = ctx.settings();
    const c = outboxCounts(ctx.db);
    const now = ctx.clock.now();
    const secretSet = getSecret(ctx.db, SYNC_SECRET_KEY) !== undefined;
    return {
      // The same rule as config(), without reading the secret twice (status goes out after every sale).
      enabled: s.sync.hqUrl !== '' && secretSet,
      hqUrl: s.sync.hqUrl,
      secretSet,
      queued: c.queued,
      sending,
      parked: c.parked,
      conflicts: c.conflicts,
      lastSuccessAt,
      lastError,
      oldestUnsentAgeMs: c.oldestPendingAt === null ? null : Math.max(0, now - (Date.parse(c.oldestPendingAt) || now)),
      nextAttemptAt: nextAttemptMs === null ? null : iso(nextAttemptMs),
    };
  };
  const emit = (): void => ctx.events.emit('sync.status', status());

  const schedule = (ms: number): void => {
    timer?.cancel();
    if (!running) return;
    nextAttemptMs = ctx.clock.now() + ms;
    timer = ctx.clock.setTimeout(() => {
      timer = null;
      nextAttemptMs = null;
      void kick();
    }, ms);
  };

  // The status contract holds at most 1000 characters; HQ's own message (up to 1000) comes with a prefix.
  const clip = (reason: string): string => (reason.length > 1000 ? `${reason.slice(0, 999)}…` : reason);
  const fail = (reason: string, delayMs: number): void => {
    lastError = clip(reason);
    backingOff = true;
    schedule(delayMs);
  };

  // A proxy in front of HQ may take smaller bodies than HQ (nginx's default is 1 MiB): a batch answered 413
  // is sent again smaller, down to one entry, instead of unchanged for ever; the smaller size then stays.
  let batchBytesCap = MAX_BATCH_BYTES;
  let batchEntriesCap = Number.MAX_SAFE_INTEGER;

  /** One upload attempt. Returns true when there may be more to send right away. */
  const uploadOnce = async (cfg: SyncClientConfig): Promise<boolean> => {
    const s = ctx.settings().sync;
    const rows = pendingBatch(ctx.db, Math.min(s.batchSize, batchEntriesCap), batchBytesCap);
    if (rows.length === 0) return false;
    const refs = rows.map((r) => r.sent);
    const seqs = rows.map((r) => r.seq);
    // splitAcks answers with the keys as sent; the outbox is updated by row.
    const rowOf = new Map(rows.map((r) => [r.sent.idempotencyKey, r.seq]));
    const row = (key: string): number => rowOf.get(key) ?? 0;
    sending = rows.length;
    emit();
    const result = await uploadSerializedBatch(cfg, refs, rows.map((r) => r.entry));
    sending = 0;
    const at = iso(ctx.clock.now());
    if (result.kind === 'refused' && result.status === 413) {
      if (rows.length > 1) {
        // Too large for the way to HQ: from now on batches are at most half this one (entries and bytes).
        batchEntriesCap = Math.max(1, Math.floor(rows.length / 2));
        batchBytesCap = Math.max(1, Math.floor(rows.reduce((n, r) => n + r.entry.length + 1, 0) / 2));
        recordFailure(ctx.db, seqs, result.reason);
        fail(`${result.reason} (sending smaller batches)`, baseMs);
        return false;
      }
      // One entry alone too large for the way: parked for the manager (sent again once the limit is raised,
      // sync.requeue), so the entries behind it go on.
      applyAcks(ctx.db, { sent: [], rejected: seqs.map((seq) => ({ seq, error: `${result.reason}: this entry alone is too large for the way to HQ (a proxy's body limit?); raise it, then send it again` })), conflicts: [], attempted: seqs }, at);
      log.error('an outbox entry too large for the way to HQ was parked', { seqs, reason: result.reason });
      ctx.events.emit('host.notice', { level: 'error', message: 'sync: an entry too large for the way to HQ was parked (see the parked list)' });
      return true;
    }
    switch (result.kind) {
      case 'acked': {
        const outcome = splitAcks(refs, result.results);
        applyAcks(
          ctx.db,
          {
            sent: outcome.sent.map(row),
            rejected: outcome.rejected.map((r) => ({ seq: row(r.idempotencyKey), error: r.error })),
            conflicts: outcome.conflicts.map((c) => ({ seq: row(c.idempotencyKey), error: c.error })),
            attempted: seqs,
          },
          at,
        );
        ctx.connectivity.report(true, 'hq');
        waitingForNetwork = false;
        const progressed = outcome.sent.length + outcome.rejected.length + outcome.conflicts.length > 0;
        // Only an answer that settled something resets the backoff and counts as a success: one acking
        // nothing, again and again, is retried less and less often, not every second.
        if (progressed) {
          attempt = 0;
          backingOff = false;
          lastSuccessAt = at;
          lastError = null;
        }
        if (outcome.ignored > 0) log.warn('HQ answer held acks for no entry of the batch, repeated or contradicting; ignored', { ignored: outcome.ignored, unacked: outcome.unacked.length });
        for (const r of outcome.rejected) log.warn('HQ rejected an outbox entry; parked', { entry: r.idempotencyKey, error: r.error });
        for (const c of outcome.conflicts) log.error('HQ reports a sync conflict; entry kept for an operator', { entry: c.idempotencyKey, conflict: c.conflict, error: c.error });
        if (outcome.rejected.length + outcome.conflicts.length > 0) {
          ctx.events.emit('host.notice', { level: 'error', message: `sync: ${outcome.rejected.length} entries parked, ${outcome.conflicts.length} conflicts at HQ` });
        }
        if (!progressed) {
          fail('HQ acknowledged none of the batch', backoffDelay(attempt++, { baseMs, maxMs, random }));
          return false;
        }
        return true;
      }
      case 'transient':
        recordFailure(ctx.db, seqs, result.reason);
        // Connectivity is about the network: HQ answering 503 or garbage is HQ's trouble, and the network works.
        ctx.connectivity.report(result.noAnswer !== true, 'hq', result.reason);
        waitingForNetwork = result.noAnswer === true;
        fail(result.reason, backoffDelay(attempt++, { baseMs, maxMs, random }));
        return false;
      case 'auth':
      case 'refused':
        // HQ (or the configuration) refuses us: retrying soon would not help. Tell the manager, retry slowly.
        recordFailure(ctx.db, seqs, result.reason);
        log.error('sync refused by HQ; check URL, terminal id, secret and clock', { reason: result.reason });
        ctx.events.emit('host.notice', { level: 'error', message: `sync: ${result.reason}` });
        attempt = Math.max(attempt, 16);
        // HQ answered: the network is up, so a health probe must not cut this wait short.
        waitingForNetwork = false;
        fail(result.reason, maxMs);
        return false;
    }
  };

  const runPass = async (): Promise<void> => {
    do {
      again = false;
      const cfg = config();
      if (cfg === null) {
        timer?.cancel();
        nextAttemptMs = null;
        break;
      }
      let more = true;
      while (more && running) more = await uploadOnce(cfg);
      if (running && !backingOff) {
        const s = ctx.settings().sync;
        compactOutbox(ctx.db, iso(ctx.clock.now() - s.retentionDays * DAY_MS));
        schedule(s.intervalMs);
      }
    } while (again && running && !backingOff);
    emit();
  };

  const kick = (): Promise<void> => {
    if (!running) return Promise.resolve();
    if (pass) {
      again = true;
      return pass;
    }
    pass = runPass()
      .catch((e: unknown) => {
        lastError = clip(e instanceof Error ? e.message : String(e));
        log.error('sync pass failed', { error: e });
        schedule(maxMs);
      })
      .finally(() => {
        pass = null;
      });
    return pass;
  };

  const runNow = (): Promise<void> => {
    attempt = 0;
    backingOff = false;
    timer?.cancel();
    nextAttemptMs = null;
    if (pass) {
      again = true;
      return pass;
    }
    return kick();
  };

  return {
    start() {
      if (running) return;
      running = true;
      void kick();
    },
    async stop() {
      running = false;
      timer?.cancel();
      timer = null;
      await pass;
    },
    runNow,
    notifyEnqueued() {
      if (!running || kickQueued) return;
      kickQueued = true;
      // After the writer's transaction has committed; never on the cashier's call path. With sync off or
      // HQ backing off, only the status (the queue grew) goes out.
      setImmediate(() => {
        kickQueued = false;
        if (!running) return; // the host closed meanwhile: its database is gone
        if (backingOff || ctx.settings().sync.hqUrl === '') return emit();
        void kick();
      });
    },
    status,
    async probe() {
      const s = ctx.settings().sync;
      if (s.hqUrl === '') return undefined;
      const r = await probeHq({ baseUrl: s.hqUrl, timeoutMs: s.timeoutMs, now: () => ctx.clock.now(), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
      // HQ reachable again after the network failed: upload now. An HQ that answered uploads with errors keeps
      // its backoff (its health check passing says nothing about them).
      if (r.ok && backingOff && waitingForNetwork) setImmediate(() => void runNow());
      return r.ok;
    },
  };
}
