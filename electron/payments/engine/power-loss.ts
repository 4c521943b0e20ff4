import { stmt } from '../../db/stmt';
import { type Db } from '../../db/open';
import { type Clock, isoAt } from '../../clock';
import { type Logger } from '../../log';
import { type Connectivity } from '../../services/connectivity';
import { appendAudit } from '../../services/audit';
import { uuidv7 } from '../../ids';
import { type Gateway } from '../../../shared/sales/views';
import { type Settings } from '../../../shared/settings';
import { type PaymentChannel as Wallet } from '../../../shared/payments/channel';
import { type PaymentChannel, type QueryOutcome } from '../channels/types';
import { type SettleDeps, settleSale } from '../../sales/settle';
import { getSale } from '../../sales/repo';
import { dueFen } from '../../sales/view';
import { type EventBus } from '../../events';
import { BURNT_CODE_PREFIX, insertAttempt, updateAttempt } from './attempts';
import { LATE_CHARGE_CHECK_AFTER_MS } from './reversal';
import { type Channels } from './engine';
import { nextOrderNo } from './order-numbers';
import { BACKOFF_MAX_MS, usable } from './decide';
import { reportOutcome } from './connectivity-report';

/**
 * After a run that did not end cleanly, find pay requests that may have left without a record.
 *
 * A payment's start (its attempt row, in state `sent`) is committed without waiting for the disk (see
 * engine.ts): a crash of the app keeps it (the OS still has the write); only losing the machine (power,
 * OS crash) can drop it. What that can lose is bounded: the attempt's order number is the sale's next one
 * (order-numbers.ts) and every final state is a durable commit, so at most one unrecorded request per
 * unfinished sale.
 *
 * The host marks its run in the database (`host.run` = `running`, durably, at start) and marks it
 * `closed` when it shuts down cleanly (a durable commit, which also flushes every start before it). A
 * start that finds `running` follows a run that ended any other way, which includes every power loss, so
 * then every unfinished sale (open or paying) with something due is "uncertain": its next order number is
 * queried on every gateway before the sale may take a code or cash again.
 * - Found (paid or still waiting): recorded as an attempt in `reversing` and given back by the engine
 *   (the cashier's screen for it is gone; the customer pays again if they are still there).
 * - Found nowhere (or definitely failed): the number is burnt (a failed attempt), never used again.
 * - A gateway that cannot answer: asked again with backoff (5 s doubling to a minute, and at once when the
 *   network returns); the sale stays uncertain (PAYMENT_PENDING). A manager can void it and ring the
 *   items up again; the check goes on for the voided sale and gives back whatever it finds.
 * The run is marked `closed` at a clean shutdown, and the checks still owed are saved (OWED_CHECKS_KEY) in
 * every commit that changes them, so any restart in the middle checks them again, a sale voided meanwhile
 * included. A sale with nothing due is never checked: a start is refused then, and whatever brought the due
 * to nothing since (a line removed, cash, a payment) was a durable commit, which flushed any start before it.
 * No gateway configured at all (a cash-only till) is an answer too: nothing can have gone anywhere. No
 * marker at all (a database from before this check) counts as a clean end: older versions waited for the
 * disk on every commit.
 */
export const RUN_MARKER_KEY = 'host.run';
/** Checks still owed, saved with every change, so a restart (or a void) mid-check never drops one. */
export const OWED_CHECKS_KEY = 'host.powerLossChecks';
/** What a cashier is told while a sale is uncertain (a code or cash for it is refused). */
export const UNCERTAIN_MESSAGE =
  'the POS did not shut down cleanly during this sale: checking with the gateways whether a payment went through; try again in a moment (a manager can void the sale and ring it up again)';
const RETRY_MIN_MS = 5_000;
const RETRY_MAX_MS = BACKOFF_MAX_MS;

export type PowerLossDeps = SettleDeps & {
  db: Db;
  clock: Clock;
  log: Logger;
  settings: () => Settings;
  events: EventBus;
  channels: () => Promise<Channels | undefined>;
  /** An attempt written by the check: a charge found (the engine reverses it) or a number burnt (checked late). */
  onFound(attemptId: string): void;
  /** Follows a wall-clock step noticed since (clock-steps.ts), before times are written. */
  followClockSteps?(): void;
  /** Where the gateways' answers (or their absence) are reported (connectivity.ts). */
  connectivity?: Connectivity;
  stopped(): boolean;
};

type Finding = { kind: 'found'; gateway: Gateway; amountFen: number | null } | { kind: 'none' } | { kind: 'unclear'; reason: string };

function judge(answers: [Gateway, QueryOutcome][]): Finding {
  for (const [gateway, q] of answers) {
    if (q.status === 'paid') return { kind: 'found', gateway, amountFen: q.paidFen };
    if (q.status === 'waiting') return { kind: 'found', gateway, amountFen: null };
  }
  const unclear = answers.find(([, q]) => q.status === 'unknown' || q.status === 'not_sent');
  if (unclear) return { kind: 'unclear', reason: `${unclear[0]}: ${'reason' in unclear[1] ? unclear[1].reason : unclear[1].status}` };
  return { kind: 'none' };
}

export function createPowerLossCheck(deps: PowerLossDeps) {
  const { db, clock, log } = deps;
  /** saleId → the order number that may have left unrecorded. */
  const uncertain = new Map<string, string>();
  let running: Promise<void> | null = null;
  /** Sales already logged as unclear: retried every few seconds, logged once. */
  const warned = new Set<string>();
  let retry: { cancel(): void } | null = null;
  let retryMs = RETRY_MIN_MS;

  const readSetting = (key: string): string | undefined => (stmt(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  const writeSetting = (key: string, value: string): void => {
    stmt(db, 'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(key, value, isoAt(clock));
  };
  /** The checks still owed (sale id → order number), kept with the data: a sale voided meanwhile stays owed. */
  const saveOwed = (without?: string): void => writeSetting(OWED_CHECKS_KEY, JSON.stringify(Object.fromEntries([...uncertain].filter(([saleId]) => saleId !== without))));
  function readOwed(): Map<string, string> {
    try {
      const parsed: unknown = JSON.parse(readSetting(OWED_CHECKS_KEY) ?? '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return new Map(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch (e) {
      // Unreadable: the unfinished sales are still checked; a voided one is logged for a person to look at.
      log.error('owed power-loss checks unreadable', { error: e });
      return new Map();
    }
  }
  /** A durable commit (synchronous=FULL), so `closed` also flushes every start written before it. */
  const writeMarker = (value: 'running' | 'closed'): void => {
    db.transaction(() => {
      writeSetting(RUN_MARKER_KEY, value);
      saveOwed();
    })();
  };

  /** Wallet shown for a charge found at the aggregator: the first wallet routed through it. */
  const walletOf = (g: Gateway): Wallet => {
    if (g !== 'jeepay') return g;
    const routing = deps.settings().payments.routing;
    return (Object.keys(routing) as (keyof typeof routing)[]).find((w) => routing[w] === 'aggregator') ?? 'wechat';
  };

  function resolve(saleId: string, orderNo: string, f: Finding & { kind: 'found' | 'none' }, gateways: Gateway[]): void {
    // After the gateways' answers: a clock step meanwhile is followed first, so the times written now (and
    // owned by this run) are not moved by it again.
    deps.followClockSteps?.();
    const now = clock.now();
    const id = uuidv7(now);
    const written = db.transaction((): boolean => {
      const when = isoAt(clock);
      saveOwed(saleId);
      const sale = stmt(db, 'SELECT total_fen, paid_fen FROM sales WHERE id = ?').get(saleId) as { total_fen: number; paid_fen: number } | undefined;
      if (!sale || nextOrderNo(db, saleId) !== orderNo) return false; // resolved meanwhile
      const gateway = f.kind === 'found' ? f.gateway : (gateways[0] ?? 'wechat');
      insertAttempt(db, {
        id,
        sale_id: saleId,
        order_no: orderNo,
        wallet: walletOf(gateway),
        gateway,
        amount_fen: f.kind === 'found' ? (f.amountFen ?? Math.max(1, sale.total_fen - sale.paid_fen)) : Math.max(1, sale.total_fen - sale.paid_fen),
        code_hash: f.kind === 'found' ? `recovered:${orderNo}` : `${BURNT_CODE_PREFIX}${orderNo}`,
        code_masked: '****',
        state: f.kind === 'found' ? 'reversing' : 'failed',
        phase: f.kind === 'found' ? 'reversing' : 'failed',
        created_ms: now,
        sent_ms: now,
        created_at: when,
        updated_at: when,
      });
      const reason =
        f.kind === 'found'
          ? 'found at the gateway after an unclean shutdown, with no record at the till: giving it back'
          : 'checked after an unclean shutdown: this order number reached no gateway; never used again';
      // Found nowhere now, but the request may still be on its way: asked again once its code has expired.
      // With no gateway configured there is nobody to ask later either.
      const lateCheck = gateways.length > 0 ? { late_check_ms: now + LATE_CHARGE_CHECK_AFTER_MS } : {};
      updateAttempt(db, id, { reason, ...(f.kind === 'none' ? { resolved_ms: now, ...lateCheck } : {}) }, when);
      appendAudit(db, when, null, f.kind === 'found' ? 'payment.foundAfterRestart' : 'payment.orderNoBurnt', { attemptId: id, saleId, orderNo, gateway });
      settleSale(db, deps, saleId, when);
      return true;
    })();
    // Only once committed: a failed write leaves the sale uncertain (asked again), never unchecked.
    uncertain.delete(saleId);
    // Screens showing the sale learn it is no longer held (and what it owes now).
    const settled = written ? getSale(db, saleId) : undefined;
    if (settled) deps.events.emit('sale.changed', { saleId, status: settled.status, dueFen: dueFen(settled) });
    retryMs = RETRY_MIN_MS;
    if (written && f.kind === 'found') log.warn('charge found after an unclean shutdown: reversing it', { saleId, orderNo, gateway: f.gateway });
    // Found: the engine reverses it; none: the engine's late check (reversal.ts) asks again in five minutes.
    if (written) deps.onFound(id);
  }

  async function checkAll(): Promise<void> {
    const channels = await deps.channels();
    // Gateways that cannot be built (an unusable stored configuration): nobody can be asked, so unclear. None
    // configured at all is an answer: configuration changes wait for open payments, so nothing went anywhere.
    if (channels === undefined) {
      for (const saleId of uncertain.keys()) {
        if (!warned.has(saleId)) log.warn('cannot tell yet whether a payment left before the unclean shutdown: no gateway can be asked', { saleId });
        warned.add(saleId);
      }
      return;
    }
    const available = (Object.entries(channels ?? {}) as [Gateway, PaymentChannel | undefined][]).filter((e): e is [Gateway, PaymentChannel] => e[1] !== undefined);
    for (const [saleId, orderNo] of [...uncertain]) {
      if (deps.stopped()) return;
      const answers: [Gateway, QueryOutcome][] = [];
      for (const [g, channel] of available) {
        const q = await channel.query({ orderNo });
        // Its answers (or none) tell the network's state too: the return of a gateway wakes the rest at once.
        if (deps.connectivity) reportOutcome(deps.connectivity, g, q, 'query');
        answers.push([g, usable(q)]); // a paid answer no till could have asked for is unclear
      }
      if (deps.stopped()) return;
      const f = judge(answers);
      if (f.kind === 'unclear') {
        if (!warned.has(saleId)) log.warn('cannot tell yet whether a payment left before the unclean shutdown; asking again', { saleId, orderNo, reason: f.reason });
        warned.add(saleId);
        continue;
      }
      resolve(saleId, orderNo, f, available.map(([g]) => g));
    }
  }

  /** Runs the queries (on start and when the network returns); unclear ones are retried. */
  function check(): Promise<void> {
    if (uncertain.size === 0 || deps.stopped()) return Promise.resolve();
    running ??= checkAll()
      .catch((e: unknown) => log.error('power-loss check failed', { error: e }))
      .finally(() => {
        running = null;
        retry?.cancel();
        retry = null;
        if (uncertain.size > 0 && !deps.stopped()) {
          retry = clock.setTimeout(() => void check(), retryMs);
          retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
        }
      });
    return running;
  }

  return {
    /** At host start, before any call: decides which sales are uncertain, then marks this run. */
    begin(): void {
      // Checks an earlier run still owed (whatever the sale's status now, e.g. voided), after any shutdown; and
      // after one that was not clean, every unfinished sale with something due (a start is refused with
      // nothing due, and a line changed since a lost start was a durable commit that flushed it), but not one
      // with an attempt still open on record: no later start was possible until that one ended, which would
      // have been a durable commit (the engine drives that attempt on as usual).
      const candidates = new Map<string, string | null>(readOwed());
      if (readSetting(RUN_MARKER_KEY) === 'running') {
        const sales = stmt(
          db,
          `SELECT id FROM sales WHERE status IN ('open', 'paying') AND total_fen > paid_fen
             AND NOT EXISTS (SELECT 1 FROM payment_attempts a WHERE a.sale_id = sales.id AND a.state NOT IN ('succeeded', 'failed', 'reversed'))
           ORDER BY updated_at DESC`,
        ).all() as { id: string }[];
        for (const s of sales) if (!candidates.has(s.id)) candidates.set(s.id, null);
      }
      for (const [saleId, owed] of candidates) {
        let next: string;
        try {
          next = nextOrderNo(db, saleId);
        } catch (e) {
          // No number left on this sale (the start refuses it too): nothing further can have been sent.
          log.warn('sale has no order number left; nothing to check', { saleId, error: e });
          continue;
        }
        // An owed number now on record was settled meanwhile.
        if (owed === null || owed === next) uncertain.set(saleId, next);
      }
      if (uncertain.size > 0) log.warn('checking with the gateways whether payments left unrecorded when the till last stopped', { sales: uncertain.size });
      writeMarker('running');
    },
    isUncertain: (saleId: string): boolean => uncertain.has(saleId),
    uncertainCount: (): number => uncertain.size,
    uncertainSaleIds: (): string[] => [...uncertain.keys()],
    check,
    /**
     * Clean shutdown: the run is marked closed (a durable commit that flushes every start), the checks still
     * owed saved with it: the next start asks about those again, and holds no other sale.
     */
    stop(): void {
      retry?.cancel();
      if (db.open) writeMarker('closed');
    },
  };
}

export type PowerLossCheck = ReturnType<typeof createPowerLossCheck>;
