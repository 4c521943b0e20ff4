import { inTransaction, stmt } from '../../db/stmt';
import { type Db } from '../../db/open';
import { type Clock, isoAt } from '../../clock';
import { type Logger } from '../../log';
import { type EventBus } from '../../events';
import { type RecordBus } from '../../services/records';
import { type Connectivity } from '../../services/connectivity';
import { appendAudit } from '../../services/audit';
import { uuidv7 } from '../../ids';
import { PosError } from '../../../shared/api/result';
import { maskPaymentCode } from '../../../shared/payments/code';
import { type AttemptView, type Gateway, isTerminalAttempt } from '../../../shared/sales/views';
import { type Settings } from '../../../shared/settings';
import { type PaymentChannel } from '../channels/types';
import { applyCodeTender, settleSale } from '../../sales/settle';
import { type SaleRow, getSale } from '../../sales/repo';
import { dueFen } from '../../sales/view';
import { TENDER_LIMIT_MESSAGE, overTenderLimit } from '../../../shared/sales/money';
import { type AttemptRow, attemptView, getAttempt, insertAttempt, listLateChecks, listOpenAttempts, startGuards, updateAttempt, updateAttemptRow } from './attempts';
import { CLOCK_STEP_TICK_MS, createClockStepFollower } from './clock-steps';
import { createCodeHasher } from './code-hash';
import { type PayDecision, decidePay, decideQuery } from './decide';
import { routeCode } from './routing';
import { createScheduler } from './scheduler';
import { gatewaySource, reportOutcome } from './connectivity-report';
import { createReversal } from './reversal';
import { orderNoAfter } from './order-numbers';
import { UNCERTAIN_MESSAGE, createPowerLossCheck } from './power-loss';

export type Channels = Partial<Record<Gateway, PaymentChannel>>;

export type EngineDeps = {
  db: Db;
  clock: Clock;
  log: Logger;
  events: EventBus;
  records: RecordBus;
  connectivity: Connectivity;
  settings: () => Settings;
  /** The gateways, built on first use (the in-process sandbox binds a port first). Rejects when unusable. */
  channels: () => Promise<Channels>;
  /** Changes whenever `channels` would answer other adapters (mode, live configuration, request timeouts). */
  channelsVersion?: () => string;
  /** Changes whenever there would be other gateways (mode, live configuration), not on a timeout edit. */
  routesVersion?: () => string;
  /** Cash went into or out of the drawer (committed): it opens. */
  cashMoved?: (why: string) => void;
};

/** What a commit's change wrote last, as now stored: spares the commit re-reading it. */
type Written = { attempt?: AttemptRow; sale?: SaleRow };

export type StartInput = { saleId: string; code: string; amountFen?: number; actor: string };

/**
 * The payment engine: drives every attempt through the persisted state machine of ARCHITECTURE §4.
 * The database is the truth: each step re-reads the attempt, talks to the channel at most once, and commits
 * the result in one transaction. The full payment code lives only in memory between `start` and the pay
 * request, so after a restart nothing is ever sent late.
 *
 * Commits of a code payment on the happy path: two, one waiting for the disk.
 * 1. `start`: the attempt, already in state `sent` (the write-ahead record of the pay request: "created"
 *    and "sent" are one commit, made before any byte leaves), with its audit entry and the sale's `paying`
 *    status. Its order number is the sale's next one, a function of rows already durable (order-numbers.ts),
 *    so this commit does not wait for the disk (`synchronous=NORMAL` for this one transaction): a process
 *    crash keeps it, and a lost machine loses at most that one row per sale, which recovery finds again by
 *    asking the gateways about the sale's next number (power-loss.ts). One fsync less between the scan and
 *    the request.
 * 2. The answer: attempt `succeeded`, tender, sale completed, outbox record and audit entry, in one durable
 *    transaction (`synchronous=FULL`, which also flushes commit 1) before the cashier is told.
 * Because the attempt is `sent` from its first commit, an attempt found after a restart may have been sent:
 * it is queried on its channel's schedule (and reversed at the deadline), never failed by guess.
 */
export function createPaymentEngine(deps: EngineDeps) {
  const { db, clock, log } = deps;
  const at = (): string => isoAt(clock);
  const hashCode = createCodeHasher(db, at);
  /** Attempts created by this process and not yet sent: the full code lives here only, never on disk. */
  const fresh = new Map<string, { code: string; receiptNo: string }>();
  const waiters = new Map<string, Set<() => void>>();
  let stopped = false;

  const timing = (g: Gateway) => deps.settings().payments.timings[g];
  const abandonAfterMs = (): number => deps.settings().payments.abandonAfterMinutes * 60_000;

  /** Tells the UI; `settled` is the sale as the same transaction left it (saves reading it again). */
  function emit(row: AttemptRow, saleChanged: boolean, settled?: SaleRow): void {
    const sale = settled ?? getSale(db, row.sale_id);
    if (!sale) return;
    deps.events.emit('payment.progress', {
      attemptId: row.id,
      saleId: row.sale_id,
      state: row.state,
      phase: row.phase,
      reason: row.reason === null ? null : row.reason.slice(0, 300),
      amountFen: row.amount_fen,
      wallet: row.wallet,
      maskedCode: row.code_masked,
      saleStatus: sale.status,
    });
    if (saleChanged) deps.events.emit('sale.changed', { saleId: sale.id, status: sale.status, dueFen: dueFen(sale) });
    if (isTerminalAttempt(row.state)) {
      for (const w of waiters.get(row.id) ?? []) w();
      waiters.delete(row.id);
    }
  }

  /**
   * One durable transaction: re-read, change, and when the attempt became final settle its sale; then tell
   * the UI. A change that wrote the attempt last may return it as stored (and the sale, if it wrote that),
   * which saves re-reading them on the payment path.
   */
  function commit(id: string, change: (row: AttemptRow, when: string, now: number) => Written | void): AttemptRow {
    const [row, sale] = inTransaction(db, (): [AttemptRow, SaleRow | undefined] => {
      const current = getAttempt(db, id);
      if (!current) throw new Error(`attempt ${id} vanished`);
      const when = at();
      const written = change(current, when, clock.now());
      const after = written?.attempt ?? (getAttempt(db, id) as AttemptRow);
      return [after, isTerminalAttempt(after.state) ? settleSale(db, deps, current.sale_id, when, { sale: written?.sale }) : undefined];
    });
    emit(row, isTerminalAttempt(row.state), sale);
    return row;
  }

  const toReversing = (id: string, reason: string): AttemptRow =>
    commit(id, (r, when) => ({ attempt: updateAttemptRow(db, r, { state: 'reversing', phase: 'reversing', reason }, when) }));

  /** `lateCheckAt`: the request may still arrive; asked about again then (reversal.ts), set in the same commit. */
  const fail = (id: string, reason: string, releaseCode: boolean, lateCheckAt: number | null = null): AttemptRow => {
    const row = commit(id, (r, when, now) => {
      // A code that provably never left the till may be scanned again.
      updateAttempt(db, id, { state: 'failed', phase: 'failed', reason, resolved_ms: now, late_check_ms: lateCheckAt }, when);
      if (releaseCode) stmt(db, 'UPDATE payment_attempts SET code_hash = ? WHERE id = ?').run(`released:${r.id}`, r.id);
      appendAudit(db, when, null, 'payment.failed', { attemptId: id, orderNo: r.order_no, reason });
    });
    if (lateCheckAt !== null) scheduler.at(id, lateCheckAt);
    return row;
  };

  // A time sync stepping the wall clock: the open attempts' times move with it (clock-steps.ts).
  const clockSteps = createClockStepFollower(clock, db, log, (ids) => {
    for (const id of ids) if (!scheduler.isBusy(id)) scheduler.at(id, clock.now());
  });
  const followClockSteps = (): void => clockSteps.follow();
  const reversal = createReversal({ ...deps, commit, fail, schedule: (id, ms) => scheduler.at(id, ms), stopped: () => stopped, followClockSteps, ownTimes: (id) => clockSteps.own(id) });
  /** When the attempt was sent, as stored now: a clock stepped while its gateway was awaited moves it first. */
  const sentMsAfterAwait = (row: AttemptRow, epoch: number): number => {
    followClockSteps();
    // Read again only when a step moved the stored times since `row` was read (never on the usual path).
    const current = clockSteps.epoch() === epoch ? row : (getAttempt(db, row.id) ?? row);
    return current.sent_ms ?? current.created_ms;
  };

  /** Applies a pay or query decision. */
  function apply(id: string, d: PayDecision): void {
    if (d.kind === 'fail') {
      fail(id, d.reason, d.reason.startsWith('not sent'));
      return;
    }
    if (d.kind === 'reverse') {
      toReversing(id, d.reason);
      scheduler.at(id, clock.now());
      return;
    }
    if (d.kind === 'wait') {
      const row = commit(id, (r, when) => ({ attempt: updateAttemptRow(db, r, { state: 'pending', phase: d.phase, reason: d.reason }, when) }));
      scheduler.at(id, row.cancel_requested === 1 ? clock.now() : d.nextAt);
      return;
    }
    let giveBack: string | undefined;
    commit(id, (r, when, now) => {
      if (r.cancel_requested === 1) {
        giveBack = 'paid after the cashier cancelled: giving it back';
        return;
      }
      const applied = applyCodeTender(db, deps, r, now, abandonAfterMs(), when);
      if (!applied.applied) {
        giveBack = `paid, but ${applied.reason}: giving it back`;
        return;
      }
      const attempt = updateAttemptRow(db, r, { state: 'succeeded', phase: 'paid', reason: null, transaction_id: d.transactionId, resolved_ms: now }, when);
      appendAudit(db, when, null, 'payment.succeeded', { attemptId: id, orderNo: r.order_no, amountFen: r.amount_fen, saleId: r.sale_id });
      return { attempt, sale: applied.sale };
    });
    if (giveBack !== undefined) {
      const reason = giveBack;
      commit(id, (r, when) => ({ attempt: updateAttemptRow(db, r, { state: 'reversing', phase: 'reversing', reason, transaction_id: d.transactionId }, when) }));
      scheduler.at(id, clock.now());
    }
  }

  async function sendPay(row: AttemptRow, channel: PaymentChannel, pending: { code: string; receiptNo: string }): Promise<void> {
    if (row.cancel_requested === 1) {
      fail(row.id, 'cancelled before sending', true);
      return;
    }
    // Write-ahead: the attempt was committed as "sent" (its order number the sale's next) before this request;
    // after a crash it is queried, never resent.
    const s = deps.settings();
    const epoch = clockSteps.epoch();
    const outcome = await channel.pay({
      orderNo: row.order_no,
      authCode: pending.code,
      amountFen: row.amount_fen,
      subject: `${s.store.name} ${pending.receiptNo}`.trim().slice(0, 128),
      wallet: row.wallet,
      storeId: s.store.id,
      terminalId: s.terminal.id,
    });
    if (stopped) return;
    reportOutcome(deps.connectivity, row.gateway, outcome, 'pay');
    const sentMs = sentMsAfterAwait(row, epoch);
    const d = decidePay(outcome, { now: clock.now(), sentMs, amountFen: row.amount_fen, timing: timing(row.gateway) });
    // A refusal nobody signed is taken, and checked again once the code has expired (reversal.ts).
    if (d.kind === 'fail' && outcome.status === 'failed' && outcome.unverified === true) fail(row.id, d.reason, false, reversal.lateCheckAt(row));
    else apply(row.id, d);
  }

  async function query(row: AttemptRow, channel: PaymentChannel): Promise<void> {
    if (row.cancel_requested === 1) {
      toReversing(row.id, 'cancelled by the cashier');
      await reversal.step(getAttempt(db, row.id) as AttemptRow, channel);
      return;
    }
    const epoch = clockSteps.epoch();
    const outcome = await channel.query({ orderNo: row.order_no });
    if (stopped) return;
    reportOutcome(deps.connectivity, row.gateway, outcome, 'query');
    stmt(db, 'UPDATE payment_attempts SET queries = queries + 1 WHERE id = ?').run(row.id);
    apply(row.id, decideQuery(outcome, { now: clock.now(), sentMs: sentMsAfterAwait(row, epoch), amountFen: row.amount_fen, timing: timing(row.gateway) }));
  }

  async function step(id: string): Promise<void> {
    followClockSteps();
    const channels = await channelsOrNone();
    if (stopped) return;
    const row = getAttempt(db, id);
    if (!row) return;
    const channel = channels?.[row.gateway];
    if (isTerminalAttempt(row.state)) {
      // Ended with nothing charged while its request might still arrive: the one question left (reversal.ts).
      if (row.late_check_ms === null) return;
      if (channels) await reversal.lateCheck(row, channels);
      else scheduler.at(id, Math.max(clock.now() + 5_000, row.late_check_ms));
      return;
    }
    const pending = fresh.get(id);
    if (pending) {
      // Started by this process and not sent yet: the code is still in memory. Sent at most once.
      fresh.delete(id);
      if (!channel) return void fail(id, 'not sent: gateway not available', true);
      return sendPay(row, channel, pending);
    }
    // Anything else open may have been sent (`sent`, or `created` written by an older version before its
    // request): it is queried below like any unresolved attempt, never sent again and never failed by guess.
    if (!channel) {
      scheduler.at(id, clock.now() + 5_000);
      return;
    }
    if (row.state === 'reversing') await reversal.step(row, channel);
    else await query(row, channel);
  }

  const scheduler = createScheduler(clock, log, step);
  // A step is noticed whenever the engine looks at an attempt; with nothing but long waits set (a late check
  // minutes away, a previous run's payments timed from a clock NTP then corrected) it looks twice a minute.
  let stepTick: { cancel(): void } | null = null;
  const tickClockSteps = (): void => {
    stepTick = clock.setTimeout(() => {
      if (stopped) return;
      followClockSteps();
      tickClockSteps();
    }, CLOCK_STEP_TICK_MS);
  };
  if (clock.monotonic) tickClockSteps();
  const powerLoss = createPowerLossCheck({ ...deps, channels: channelsOrNone, followClockSteps, onFound: (id) => {
      clockSteps.own(id); // written with this run's clock
      scheduler.at(id, clock.now());
    }, stopped: () => stopped });
  powerLoss.begin();

  /** Why the gateways could not be built last time (told to the cashier with the refusal). */
  let channelsProblem = '';
  async function channelsOrNone(): Promise<Channels | undefined> {
    try {
      return await deps.channels();
    } catch (e) {
      channelsProblem = e instanceof Error ? e.message.slice(0, 200) : '';
      log.error('payment gateways unavailable', { error: e });
      return undefined;
    }
  }

  /** The start transaction, committed without waiting for the disk (see the header); FULL again after. */
  function startCommit<T>(fn: () => T): T {
    stmt(db, 'PRAGMA synchronous = NORMAL').run();
    try {
      return inTransaction(db, fn);
    } finally {
      stmt(db, 'PRAGMA synchronous = FULL').run();
    }
  }

  function requireAttempt(id: string): AttemptRow {
    const row = getAttempt(db, id);
    if (!row) throw new PosError('NOT_FOUND', 'no such payment attempt');
    return row;
  }

  return {
    async start(input: StartInput): Promise<AttemptView> {
      followClockSteps();
      const version = deps.channelsVersion?.();
      const channels = await channelsOrNone();
      if (!channels || stopped) throw new PosError('CHANNEL_ERROR', `payment gateways are not available${!stopped && channelsProblem ? `: ${channelsProblem}` : ''}`);
      // Training ↔ live (or a gateway) changed while they were being built: these may be the old ones.
      if (deps.channelsVersion?.() !== version) throw new PosError('CHANNEL_ERROR', 'the payment gateways changed just now: scan the code again');
      const sale = getSale(db, input.saleId);
      if (!sale) throw new PosError('NOT_FOUND', 'no such sale');
      if (powerLoss.isUncertain(sale.id)) throw new PosError('PAYMENT_PENDING', UNCERTAIN_MESSAGE);
      // The sale's own state first: a paid sale is "paid", not a bad amount or a gateway being down.
      if (sale.status !== 'open' && sale.status !== 'paying') throw new PosError('INVALID_STATE', `the sale is ${sale.status}`);
      const due = sale.total_fen - sale.paid_fen;
      if (due <= 0) throw new PosError('INVALID_STATE', 'nothing is due on this sale');
      const amount = input.amountFen ?? due;
      const route = routeCode(input.code, amount, deps.settings().payments, (g) => channels[g] !== undefined);
      // Only the gateway's own record refuses at once (HQ down alone never does); see connectivity.ts.
      const down = deps.connectivity.gatewayDown(gatewaySource(route.gateway));
      if (down) throw new PosError('OFFLINE', `no network to the ${route.gateway} gateway (${down}): the code cannot be charged now; take cash or try again in a moment`);
      const hash = hashCode(route.code);
      // The gateways were awaited: a step since is followed before this attempt's times are written (and owned).
      followClockSteps();
      const now = clock.now();
      const id = uuidv7(now);
      const [row, settled] = startCommit((): [AttemptRow, SaleRow] => {
        // Nothing was awaited since `sale` was read: it is the row as stored.
        const current = sale;
        if (current.status !== 'open' && current.status !== 'paying') throw new PosError('INVALID_STATE', `the sale is ${current.status}`);
        const guards = startGuards(db, input.saleId, hash);
        if (guards.active) throw new PosError('PAYMENT_PENDING', 'a code payment for this sale is still unresolved');
        if (current.total_fen - current.paid_fen <= 0) throw new PosError('INVALID_STATE', 'nothing is due on this sale');
        if (amount > current.total_fen - current.paid_fen) throw new PosError('AMOUNT_INVALID', 'amount is more than what is due');
        if (overTenderLimit(guards.tenders, amount, current.total_fen - current.paid_fen)) throw new PosError('INVALID_STATE', TENDER_LIMIT_MESSAGE);
        if (guards.codeUsed) throw new PosError('CODE_REPLAYED', 'this payment code was already used: ask the customer to refresh it');
        const when = at();
        const inserted = insertAttempt(db, {
          id,
          sale_id: input.saleId,
          // The order number: the sale's next, derived from durable rows; never reused (UNIQUE).
          order_no: orderNoAfter(input.saleId, guards.attempts),
          wallet: route.wallet,
          gateway: route.gateway,
          amount_fen: amount,
          code_hash: hash,
          code_masked: maskPaymentCode(route.code),
          // Write-ahead of the pay request: committed before it is sent, so "created" and "sent" are one
          // commit. From here on the attempt may have reached the channel.
          state: 'sent',
          phase: 'sending',
          created_ms: now,
          sent_ms: now,
          created_at: when,
          updated_at: when,
        });
        appendAudit(db, when, input.actor, 'payment.start', { attemptId: id, saleId: input.saleId, wallet: route.wallet, gateway: route.gateway, amountFen: amount });
        const paying = settleSale(db, deps, input.saleId, when, { sale: current, attemptActive: true });
        return [inserted, paying];
      });
      clockSteps.own(id);
      fresh.set(id, { code: route.code, receiptNo: sale.receipt_no });
      emit(row, true, settled);
      // The step runs up to its first await (nothing written yet): `row` is still the attempt as stored.
      void scheduler.run(id);
      return attemptView(row);
    },

    /** The cashier gives up: whatever happened at the channel is undone (reversed), not forgotten. */
    cancel(id: string, actor: string): AttemptView {
      const row = requireAttempt(id);
      if (row.state === 'succeeded') throw new PosError('INVALID_STATE', 'the payment succeeded: refund it instead');
      if (isTerminalAttempt(row.state)) return attemptView(row);
      // Pressed again: the cancel is already on record and being carried out on its own schedule (a repeat
      // press must not skip a recall=Y wait or a backoff, nor fill the audit log).
      if (row.cancel_requested === 1) return attemptView(row);
      const updated = commit(id, (_r, when) => {
        updateAttempt(db, id, { cancel_requested: 1, ...(row.state === 'reversing' ? {} : { phase: 'reversing' as const, reason: 'cancelled by the cashier' }) }, when);
        appendAudit(db, when, actor, 'payment.cancel', { attemptId: id, orderNo: row.order_no });
      });
      // Already being given back (the deadline passed): it keeps its schedule; otherwise it starts now.
      if (row.state !== 'reversing' && !scheduler.isBusy(id)) scheduler.at(id, clock.now());
      return attemptView(getAttempt(db, id) ?? updated);
    },

    /** "Query this order": ask the channel now (an unresolved attempt only). */
    async queryNow(id: string): Promise<AttemptView> {
      const row = requireAttempt(id);
      // A payment being given back keeps its channel's pace (WeChat's 15 s, recall=Y waits, backoff): a press
      // of "query" shows where it stands and sends nothing.
      const givingBack = row.state === 'reversing' || row.cancel_requested === 1;
      if (!isTerminalAttempt(row.state) && !fresh.has(id) && !givingBack) await scheduler.run(id);
      return attemptView(requireAttempt(id));
    },

    get: (id: string): AttemptView => attemptView(requireAttempt(id)),

    /** True while the sale is checked with the gateways after an unclean shutdown (power-loss.ts). */
    isUncertain: (saleId: string): boolean => powerLoss.isUncertain(saleId),
    /** How many sales are being checked after an unclean shutdown. */
    uncertainCount: (): number => powerLoss.uncertainCount(),
    uncertainSaleIds: (): string[] => powerLoss.uncertainSaleIds(),

    /** Resolves with the attempt once final, or after `waitMs` on the engine's clock. */
    async waitFor(id: string, waitMs: number): Promise<AttemptView> {
      const row = requireAttempt(id);
      if (isTerminalAttempt(row.state) || waitMs <= 0 || stopped) return attemptView(row);
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set<() => void>();
        waiters.set(id, set);
        const timer = clock.setTimeout(done, waitMs);
        function done(): void {
          timer.cancel();
          set.delete(done);
          resolve();
        }
        set.add(done);
      });
      return attemptView(requireAttempt(id));
    },

    unresolved: (): AttemptView[] => listOpenAttempts(db).map(attemptView),

    /** Drive every unfinished attempt (on start and whenever the network returns). */
    recover(): number {
      void powerLoss.check();
      const open = listOpenAttempts(db);
      for (const row of open) if (!scheduler.isBusy(row.id)) scheduler.at(row.id, clock.now());
      for (const row of listLateChecks(db)) if (!scheduler.isBusy(row.id)) scheduler.at(row.id, Math.max(clock.now(), row.late_check_ms ?? 0));
      return open.length;
    },

    stop(): void {
      stopped = true;
      stepTick?.cancel();
      scheduler.stop();
      powerLoss.stop();
      for (const set of waiters.values()) for (const w of set) w();
      waiters.clear();
    },
  };
}

export type PaymentEngine = ReturnType<typeof createPaymentEngine>;
