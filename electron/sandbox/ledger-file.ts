/**
 * The training till's sandbox remembers what it charged across restarts, as a real bank does: its ledger
 * is kept in a JSON file in the till's data folder. Without it, a refund or a reconciliation of a training
 * sale made before a restart met a gateway that had never heard of the order.
 *
 * Written whole after every request that may have changed it (a new file, then renamed over the old one:
 * a crash leaves the old or the new, never half of one). A file that cannot be read or does not hold a
 * ledger is moved aside (`…broken-<time>`, kept for whoever wants to look) and the sandbox starts empty,
 * saying so; it never stops the till. Orders untouched for RETENTION_DAYS are dropped when the file is read,
 * so the file stays small on a till left in training for months.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { type LedgerState, SANDBOX_CHANNELS } from './ledger';

export const RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;
const VERSION = 1;

const channel = z.enum(SANDBOX_CHANNELS);
const ms = z.number().int().nonnegative();
const fen = z.number().int().nonnegative();
const order = z.strictObject({
  channel,
  orderNo: z.string(),
  authCode: z.string(),
  amountFen: fen,
  subject: z.string(),
  transactionId: z.string(),
  status: z.enum(['paying', 'paid', 'failed', 'closed', 'reversed']),
  charged: z.boolean(),
  refundedFen: fen,
  failCode: z.enum(['INSUFFICIENT', 'EXPIRED', 'CANCELLED']).optional(),
  createdAt: ms,
  paidAt: ms.optional(),
  closedAt: ms.optional(),
  fingerprint: z.string(),
  terminalId: z.string().optional(),
  pending: z.strictObject({ then: z.enum(['pay', 'cancel', 'never']), queriesLeft: z.number().int(), until: ms }).optional(),
  reverseRetries: z.number().int().nonnegative().optional(),
});
const fileSchema = z.strictObject({
  version: z.literal(VERSION),
  state: z.strictObject({
    seq: z.number().int().nonnegative(),
    orders: z.array(order),
    refunds: z.array(z.strictObject({ channel, orderNo: z.string(), refundNo: z.string(), refundId: z.string(), amountFen: fen, status: z.literal('success'), at: ms, byReversal: z.boolean() })),
    failedRefunds: z.array(z.strictObject({ channel, orderNo: z.string(), refundNo: z.string(), amountFen: fen, reason: z.string() })),
    reversals: z.array(z.strictObject({ channel, orderNo: z.string(), action: z.enum(['close', 'refund', 'none']), amountFen: fen, at: ms })),
    reverseRetries: z.array(z.strictObject({ channel, orderNo: z.string(), at: ms })),
    submissions: z.array(z.strictObject({ authCode: z.string(), count: z.number().int().positive(), channels: z.array(channel) })),
    usedCodes: z.array(z.tuple([z.string(), z.string()])),
  }),
});

export type LedgerFileRead = { state: LedgerState | null; problem?: string };

/**
 * Drops orders untouched for longer than the retention (made, paid, closed, refunded or reversed that long
 * ago: a refund last week keeps its order) and everything that hangs on them.
 */
export function pruneLedgerState(state: LedgerState, now: number): LedgerState {
  const cutoff = now - RETENTION_DAYS * DAY_MS;
  const lastTouched = new Map<string, number>();
  const touch = (x: { channel: string; orderNo: string }, at: number | undefined): void => {
    const k = `${x.channel}:${x.orderNo}`;
    if (at !== undefined) lastTouched.set(k, Math.max(lastTouched.get(k) ?? 0, at));
  };
  for (const o of state.orders) for (const at of [o.createdAt, o.paidAt, o.closedAt, o.pending?.until]) touch(o, at);
  for (const r of [...state.refunds, ...state.reversals, ...state.reverseRetries]) touch(r, r.at);
  const old = state.orders.filter((o) => (lastTouched.get(`${o.channel}:${o.orderNo}`) ?? 0) < cutoff);
  const dropped = new Set(old.map((o) => `${o.channel}:${o.orderNo}`));
  const keep = (x: { channel: string; orderNo: string }): boolean => !dropped.has(`${x.channel}:${x.orderNo}`);
  const droppedCodes = new Set(old.map((o) => o.authCode));
  return {
    seq: state.seq,
    orders: state.orders.filter(keep),
    refunds: state.refunds.filter(keep),
    failedRefunds: state.failedRefunds.filter(keep),
    reversals: state.reversals.filter(keep),
    reverseRetries: state.reverseRetries.filter(keep),
    submissions: state.submissions.filter((s) => !droppedCodes.has(s.authCode)),
    usedCodes: state.usedCodes.filter(([code]) => !droppedCodes.has(code)),
  };
}

/**
 * The ledger kept in `file`: null when there is none yet. A file that is not a ledger is moved aside and
 * reported as `problem` (the caller logs it); the sandbox then starts empty.
 */
export function readLedgerFile(file: string, now: number): LedgerFileRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: null };
    return { state: null, problem: `cannot read ${file}: ${(e as Error).message}` };
  }
  let why: string;
  try {
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { state: pruneLedgerState(parsed.data.state, now) };
    const first = parsed.error.issues[0];
    why = `not a sandbox ledger (${first ? `${first.path.join('.') || 'file'}: ${first.message}` : 'invalid'})`;
  } catch (e) {
    why = `not JSON (${(e as Error).message.slice(0, 120)})`;
  }
  const aside = `${file}.broken-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    fs.renameSync(file, aside);
    return { state: null, problem: `${file} is ${why}: moved to ${aside}, the sandbox starts empty` };
  } catch (e) {
    return { state: null, problem: `${file} is ${why}, and could not be moved aside (${(e as Error).message}): the sandbox starts empty` };
  }
}

/** Writes the ledger whole: a new file renamed over the old, so a crash never leaves half of one. */
export function writeLedgerFile(file: string, state: LedgerState): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ version: VERSION, state }), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
