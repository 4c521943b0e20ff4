import { stmt } from '../../db/stmt';
import { type Db } from '../../db/open';
import { type AttemptState, type AttemptView, type Gateway, type PaymentPhase } from '../../../shared/sales/views';
import { type PaymentChannel as Wallet } from '../../../shared/payments/channel';

/** Repository of payment attempts: the persisted state machine. Callers own the transaction. */

export type AttemptRow = {
  id: string;
  sale_id: string;
  order_no: string;
  wallet: Wallet;
  gateway: Gateway;
  amount_fen: number;
  code_hash: string;
  code_masked: string;
  state: AttemptState;
  phase: PaymentPhase;
  reason: string | null;
  transaction_id: string | null;
  cancel_requested: number;
  queries: number;
  reverse_calls: number;
  reverse_refund_no: string | null;
  /** What the give-back refund returns: what the channel says was charged (null: amount_fen). */
  reverse_refund_fen: number | null;
  /** Reversed as "no such order": when to ask once more whether the pay request arrived late (null: never). */
  late_check_ms: number | null;
  created_ms: number;
  sent_ms: number | null;
  resolved_ms: number | null;
  created_at: string;
  updated_at: string;
};

/** The code hash of an order number found nowhere after a power loss (power-loss.ts): no code is known. */
export const BURNT_CODE_PREFIX = 'burnt:';

export const OPEN_STATES: readonly AttemptState[] = ['created', 'sent', 'pending', 'reversing'];

/**
 * Inserts an attempt and returns it as stored, the table's defaults filled in (attempts.test.ts checks it
 * against a read): the payment path needs the row and a re-read costs as much as the insert.
 */
export function insertAttempt(db: Db, row: Omit<AttemptRow, 'reason' | 'transaction_id' | 'cancel_requested' | 'queries' | 'reverse_calls' | 'reverse_refund_no' | 'reverse_refund_fen' | 'late_check_ms' | 'resolved_ms'>): AttemptRow {
  stmt(db, 
    `INSERT INTO payment_attempts (id, sale_id, order_no, wallet, gateway, amount_fen, code_hash, code_masked, state, phase, created_ms, sent_ms, created_at, updated_at)
     VALUES (@id, @sale_id, @order_no, @wallet, @gateway, @amount_fen, @code_hash, @code_masked, @state, @phase, @created_ms, @sent_ms, @created_at, @updated_at)`,
  ).run(row);
  return { ...row, reason: null, transaction_id: null, cancel_requested: 0, queries: 0, reverse_calls: 0, reverse_refund_no: null, reverse_refund_fen: null, late_check_ms: null, resolved_ms: null };
}

export const getAttempt = (db: Db, id: string): AttemptRow | undefined => stmt(db, 'SELECT * FROM payment_attempts WHERE id = ?').get(id) as AttemptRow | undefined;

export const codeHashUsed = (db: Db, hash: string): boolean => stmt(db, 'SELECT 1 FROM payment_attempts WHERE code_hash = ?').get(hash) !== undefined;

/**
 * What a new attempt on a sale must know, in one read (the payment path): whether one is still open on it,
 * whether this code (its keyed hash) was ever submitted, and how many attempts the sale has had.
 */
export function startGuards(db: Db, saleId: string, codeHash: string): { active: boolean; codeUsed: boolean; attempts: number; tenders: number } {
  const row = stmt(
    db,
    `SELECT EXISTS (SELECT 1 FROM payment_attempts WHERE sale_id = @sale AND state NOT IN ('succeeded', 'failed', 'reversed')) AS active,
            EXISTS (SELECT 1 FROM payment_attempts WHERE code_hash = @hash) AS used,
            (SELECT count(*) FROM payment_attempts WHERE sale_id = @sale) AS attempts,
            (SELECT count(*) FROM tenders WHERE sale_id = @sale) AS tenders`,
  ).get({ sale: saleId, hash: codeHash }) as { active: number; used: number; attempts: number; tenders: number };
  return { active: row.active === 1, codeUsed: row.used === 1, attempts: row.attempts, tenders: row.tenders };
}

export const listOpenAttempts = (db: Db): AttemptRow[] =>
  stmt(db, "SELECT * FROM payment_attempts WHERE state NOT IN ('succeeded', 'failed', 'reversed') ORDER BY created_ms, id").all() as AttemptRow[];

/**
 * The wall clock was stepped by `deltaMs` (clock-steps.ts): the times the timings of attempts still in
 * motion count from (created, sent, the late check to come) move with it, in one transaction. Returns
 * their ids, to be looked at again. Ended attempts keep the times they ended at.
 */
export function shiftAttemptTimes(db: Db, deltaMs: number, only: readonly string[]): string[] {
  return db.transaction(() => {
    const ids = timedAttempts(db, only);
    const args = { d: deltaMs, ids: JSON.stringify(ids) };
    stmt(db, "UPDATE payment_attempts SET created_ms = created_ms + @d, sent_ms = sent_ms + @d WHERE id IN (SELECT value FROM json_each(@ids)) AND state NOT IN ('succeeded', 'failed', 'reversed')").run(args);
    stmt(db, 'UPDATE payment_attempts SET late_check_ms = late_check_ms + @d WHERE id IN (SELECT value FROM json_each(@ids)) AND late_check_ms IS NOT NULL').run(args);
    return ids;
  })();
}

/** Of `only` (all when absent), the attempts whose stored times still count: open, or a late check to come. */
export function timedAttempts(db: Db, only?: readonly string[]): string[] {
  const open = "(state NOT IN ('succeeded', 'failed', 'reversed') OR late_check_ms IS NOT NULL)";
  if (!only) return stmt(db, `SELECT id FROM payment_attempts WHERE ${open}`).pluck().all() as string[];
  return stmt(db, `SELECT id FROM payment_attempts WHERE id IN (SELECT value FROM json_each(?)) AND ${open}`).pluck().all(JSON.stringify(only)) as string[];
}

/** Attempts reversed as "no such order" whose late-arrival check is still to come (see migration 0008). */
export const listLateChecks = (db: Db): AttemptRow[] =>
  stmt(db, 'SELECT * FROM payment_attempts WHERE late_check_ms IS NOT NULL ORDER BY late_check_ms, id').all() as AttemptRow[];

/**
 * An open attempt that may still become the sale's payment: neither cancelled by the cashier nor being given
 * back (`reversing`). Such attempts never land on the sale (a charge they find goes back), so cash may be
 * taken beside them.
 */
export const payingAttemptForSale = (db: Db, saleId: string): AttemptRow | undefined =>
  stmt(db, "SELECT * FROM payment_attempts WHERE sale_id = ? AND state NOT IN ('succeeded', 'failed', 'reversed', 'reversing') AND cancel_requested = 0 ORDER BY created_ms DESC LIMIT 1").get(saleId) as
    | AttemptRow
    | undefined;

export const activeAttemptForSale = (db: Db, saleId: string): AttemptRow | undefined =>
  stmt(db, "SELECT * FROM payment_attempts WHERE sale_id = ? AND state NOT IN ('succeeded', 'failed', 'reversed') ORDER BY created_ms DESC LIMIT 1").get(saleId) as AttemptRow | undefined;

export const listAttemptsForSale = (db: Db, saleId: string): AttemptRow[] =>
  stmt(db, 'SELECT * FROM payment_attempts WHERE sale_id = ? ORDER BY rowid').all(saleId) as AttemptRow[];

type Patch = Partial<Pick<AttemptRow, 'state' | 'phase' | 'reason' | 'transaction_id' | 'cancel_requested' | 'sent_ms' | 'resolved_ms' | 'reverse_refund_no' | 'reverse_refund_fen' | 'late_check_ms' | 'gateway' | 'wallet' | 'amount_fen'>> & {
  /** Increment counters rather than set them. */
  addQueries?: number;
  addReverseCalls?: number;
};

const PATCH_COLUMNS = ['state', 'phase', 'reason', 'transaction_id', 'cancel_requested', 'sent_ms', 'resolved_ms', 'reverse_refund_no', 'reverse_refund_fen', 'late_check_ms', 'gateway', 'wallet', 'amount_fen'] as const;

export function updateAttempt(db: Db, id: string, patch: Patch, at: string): void {
  const sets: string[] = ['updated_at = @updated_at'];
  const params: Record<string, unknown> = { id, updated_at: at };
  for (const col of PATCH_COLUMNS) {
    if (patch[col] === undefined) continue;
    sets.push(`${col} = @${col}`);
    params[col] = patch[col];
  }
  if (patch.addQueries) sets.push(`queries = queries + ${Math.trunc(patch.addQueries)}`);
  if (patch.addReverseCalls) sets.push(`reverse_calls = reverse_calls + ${Math.trunc(patch.addReverseCalls)}`);
  stmt(db, `UPDATE payment_attempts SET ${sets.join(', ')} WHERE id = @id`).run(params);
}

/** updateAttempt on a row just read in this transaction; returns the row as now stored (no re-read). */
export function updateAttemptRow(db: Db, row: AttemptRow, patch: Patch, at: string): AttemptRow {
  updateAttempt(db, row.id, patch, at);
  const next: AttemptRow = { ...row, updated_at: at };
  for (const col of PATCH_COLUMNS) if (patch[col] !== undefined) Object.assign(next, { [col]: patch[col] });
  if (patch.addQueries) next.queries += Math.trunc(patch.addQueries);
  if (patch.addReverseCalls) next.reverse_calls += Math.trunc(patch.addReverseCalls);
  return next;
}

export function attemptView(row: AttemptRow): AttemptView {
  return {
    id: row.id,
    saleId: row.sale_id,
    orderNo: row.order_no,
    wallet: row.wallet,
    gateway: row.gateway,
    amountFen: row.amount_fen,
    maskedCode: row.code_masked,
    state: row.state,
    phase: row.phase,
    reason: row.reason === null ? null : row.reason.slice(0, 300),
    transactionId: row.transaction_id,
    cancelRequested: row.cancel_requested === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
