import { stmt } from '../../db/stmt';
import { type Db } from '../../db/open';
import { type Clock, isoAt } from '../../clock';
import { type Logger } from '../../log';
import { appendAudit } from '../../services/audit';
import { uuidv7 } from '../../ids';
import { type Gateway } from '../../../shared/sales/views';
import { type Settings } from '../../../shared/settings';
import { type PaymentChannel as Wallet } from '../../../shared/payments/channel';
import { type PaymentChannel, type QueryOutcome } from '../channels/types';
import { type SettleDeps, settleSale } from '../../sales/settle';
import { insertAttempt, updateAttempt } from './attempts';
import { type Channels } from './engine';
import { nextOrderNo } from './order-numbers';

/**
 * After the machine itself restarted (power loss, OS crash), find pay requests that left without a record.
 *
 * A payment's start (its attempt row, in state `sent`) is committed without waiting for the disk (see
 * engine.ts): a process crash keeps it (the OS still has the write), only losing the machine can drop it.
 * What that can lose is bounded: the attempt's order number is the sale's next one (order-numbers.ts) and
 * any final state is a durable commit, so at most one unrecorded request per unfinished sale. On the first
 * start after a new OS boot, every unfinished sale is therefore "uncertain": its next order number is
 * queried on every gateway before the sale may take a code again.
 * - Found (paid or still waiting): recorded as an attempt in `reversing` and given back by the engine
 *   (the cashier's screen for it is gone; the customer pays again if they are still there).
 * - Found nowhere (or definitely failed): the number is burnt (a failed attempt), never used again.
 * - A gateway that cannot answer: asked again later; the sale stays uncertain (PAYMENT_PENDING).
 * The boot is recorded once every uncertain sale is resolved, so a restart in between checks again.
 */
export const BOOT_SETTING_KEY = 'host.bootMs';
/** Boot times computed at two starts of one boot differ by clock adjustments only. */
const SAME_BOOT_TOLERANCE_MS = 60_000;
/** Unfinished sales looked at after a reboot (most recent first); older ones are long abandoned. */
const MAX_CHECKED_SALES = 200;
const RETRY_MS = 5_000;

export type PowerLossDeps = SettleDeps & {
  db: Db;
  clock: Clock;
  log: Logger;
  settings: () => Settings;
  channels: () => Promise<Channels | undefined>;
  bootMs: number;
  /** A charge found: the engine drives its attempt (reversal). */
  onFound(attemptId: string): void;
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
  return answers.length > 0 ? { kind: 'none' } : { kind: 'unclear', reason: 'no gateway available' };
}

export function createPowerLossCheck(deps: PowerLossDeps) {
  const { db, clock, log } = deps;
  /** saleId → the order number that may have left unrecorded. */
  const uncertain = new Map<string, string>();
  let running: Promise<void> | null = null;
  /** Sales already logged as unclear: retried every few seconds, logged once. */
  const warned = new Set<string>();
  let retry: { cancel(): void } | null = null;

  const storedBoot = (): number | undefined => {
    const row = stmt(db, 'SELECT value FROM settings WHERE key = ?').get(BOOT_SETTING_KEY) as { value: string } | undefined;
    const n = row ? Number(row.value) : NaN;
    return Number.isFinite(n) ? n : undefined;
  };
  const recordBoot = (): void => {
    stmt(db, 'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(BOOT_SETTING_KEY, String(deps.bootMs), isoAt(clock));
  };

  /** Wallet shown for a charge found at the aggregator: the first wallet routed through it. */
  const walletOf = (g: Gateway): Wallet => {
    if (g !== 'jeepay') return g;
    const routing = deps.settings().payments.routing;
    return (Object.keys(routing) as (keyof typeof routing)[]).find((w) => routing[w] === 'aggregator') ?? 'wechat';
  };

  function resolve(saleId: string, orderNo: string, f: Finding & { kind: 'found' | 'none' }, gateways: Gateway[]): void {
    const now = clock.now();
    const id = uuidv7(now);
    const written = db.transaction((): boolean => {
      const when = isoAt(clock);
      // The last uncertain sale: this boot is now known to the database (with the same commit).
      if ([...uncertain.keys()].every((k) => k === saleId)) recordBoot();
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
        code_hash: `${f.kind === 'found' ? 'recovered' : 'burnt'}:${orderNo}`,
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
          ? 'found at the gateway after the machine restarted, with no record at the till: giving it back'
          : 'checked after the machine restarted: this order number reached no gateway; never used again';
      updateAttempt(db, id, { reason, ...(f.kind === 'none' ? { resolved_ms: now } : {}) }, when);
      appendAudit(db, when, null, f.kind === 'found' ? 'payment.foundAfterRestart' : 'payment.orderNoBurnt', { attemptId: id, saleId, orderNo, gateway });
      settleSale(db, deps, saleId, when);
      return true;
    })();
    // Only once committed: a failed write leaves the sale uncertain (asked again), never unchecked.
    uncertain.delete(saleId);
    if (written && f.kind === 'found') {
      log.warn('charge found after a machine restart: reversing it', { saleId, orderNo, gateway: f.gateway });
      deps.onFound(id);
    }
  }

  async function checkAll(): Promise<void> {
    const channels = await deps.channels();
    const available = (Object.entries(channels ?? {}) as [Gateway, PaymentChannel | undefined][]).filter((e): e is [Gateway, PaymentChannel] => e[1] !== undefined);
    for (const [saleId, orderNo] of [...uncertain]) {
      if (deps.stopped()) return;
      const answers: [Gateway, QueryOutcome][] = [];
      for (const [g, channel] of available) answers.push([g, await channel.query({ orderNo })]);
      if (deps.stopped()) return;
      const f = judge(answers);
      if (f.kind === 'unclear') {
        if (!warned.has(saleId)) log.warn('cannot tell yet whether a payment left before the machine restarted; asking again', { saleId, orderNo, reason: f.reason });
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
        if (uncertain.size > 0 && !deps.stopped()) retry = clock.setTimeout(() => void check(), RETRY_MS);
      });
    return running;
  }

  return {
    /** At host start, before any call: decides which sales are uncertain. */
    begin(): void {
      const stored = storedBoot();
      if (stored !== undefined && Math.abs(stored - deps.bootMs) <= SAME_BOOT_TOLERANCE_MS) return;
      const sales = stmt(db, "SELECT id FROM sales WHERE status IN ('open', 'paying') ORDER BY updated_at DESC LIMIT ?").all(MAX_CHECKED_SALES) as { id: string }[];
      for (const s of sales) uncertain.set(s.id, nextOrderNo(db, s.id));
      if (uncertain.size === 0) db.transaction(recordBoot)();
      else log.warn('the machine restarted since the last run: checking unfinished sales with the gateways', { sales: uncertain.size });
    },
    isUncertain: (saleId: string): boolean => uncertain.has(saleId),
    check,
    stop(): void {
      retry?.cancel();
    },
  };
}

export type PowerLossCheck = ReturnType<typeof createPowerLossCheck>;
