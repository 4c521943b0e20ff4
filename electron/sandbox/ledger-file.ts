/**
 * The training till's sandbox remembers what it charged across restarts, as a real bank does: its ledger
 * is kept in a file in the till's data folder. Without it, a refund or a reconciliation of a training sale
 * made before a restart met a gateway that had never heard of the order.
 *
 * The file is a journal of JSON lines: a snapshot of the whole ledger, then one line per request that
 * changed something (only what it changed, flushed before the next request is read), so a request costs a
 * short append however big the ledger is. On start, and once the lines outgrow the snapshot, the file is
 * written again as one snapshot (a new file renamed over the old: a crash leaves the old or the new).
 * Orders untouched for RETENTION_DAYS (longer than any channel takes refunds) are left out of that
 * snapshot. A line cut short at the end (a crash while writing) is dropped; a file that is otherwise not a
 * ledger is moved aside (`…broken-<time>`, kept for whoever wants to look) and the sandbox starts empty. A
 * file that cannot be read is left as it is, and this run keeps nothing. None of it ever stops the till.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type Clock } from '../clock';
import { DIGEST_PREFIX, type Ledger, type LedgerSnapshot, type LedgerState, SANDBOX_CHANNELS } from './ledger';

export const RETENTION_DAYS = 366;
/** The lines are folded into a new snapshot once they pass this size and the snapshot's own. */
const COMPACT_MIN_BYTES = 1024 * 1024;
const DAY_MS = 86_400_000;
// 2: codes digested under the till's key (1, with plain SHA-256 digests, is moved aside as not this format).
const VERSION = 2;

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
const stateSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  orders: z.array(order),
  refunds: z.array(z.strictObject({ channel, orderNo: z.string(), refundNo: z.string(), refundId: z.string(), amountFen: fen, status: z.literal('success'), at: ms, byReversal: z.boolean() })),
  failedRefunds: z.array(z.strictObject({ channel, orderNo: z.string(), refundNo: z.string(), amountFen: fen, reason: z.string(), at: ms })),
  reversals: z.array(z.strictObject({ channel, orderNo: z.string(), action: z.enum(['close', 'refund', 'none']), amountFen: fen, at: ms })),
  reverseRetries: z.array(z.strictObject({ channel, orderNo: z.string(), at: ms })),
  submissions: z.array(z.strictObject({ authCode: z.string(), count: z.number().int().positive(), channels: z.array(channel), at: ms })),
  usedCodes: z.array(z.tuple([z.string(), z.string()])),
});
const snapshotLine = z.strictObject({ version: z.literal(VERSION), snapshot: stateSchema });
const changesLine = z.strictObject({ changes: stateSchema });

export type LedgerFileRead = { state: LedgerState | null; problem?: string; writable: boolean };

/**
 * Drops orders untouched for longer than the retention (made, paid, closed, refunded, reversed or refused a
 * refund that long ago: a refund last month keeps its order) with everything that hangs on them, and
 * records of no order (a code refused before any order, a refund number unknown) by their own time.
 */
export function pruneLedgerState(state: LedgerState, now: number): LedgerState {
  const cutoff = now - RETENTION_DAYS * DAY_MS;
  const k = (x: { channel: string; orderNo: string }): string => `${x.channel}:${x.orderNo}`;
  const lastTouched = new Map<string, number>();
  const touch = (x: { channel: string; orderNo: string }, at: number | undefined): void => {
    if (at !== undefined) lastTouched.set(k(x), Math.max(lastTouched.get(k(x)) ?? 0, at));
  };
  for (const o of state.orders) for (const at of [o.createdAt, o.paidAt, o.closedAt, o.pending?.until]) touch(o, at);
  for (const r of [...state.refunds, ...state.reversals, ...state.reverseRetries, ...state.failedRefunds]) touch(r, r.at);
  const orders = state.orders.filter((o) => (lastTouched.get(k(o)) ?? 0) >= cutoff);
  const kept = new Set(orders.map(k));
  const known = new Set(state.orders.map(k));
  // Of a kept order, or of no order and recent itself.
  const keep = (x: { channel: string; orderNo: string; at: number }): boolean => kept.has(k(x)) || (!known.has(k(x)) && x.at >= cutoff);
  const keptNos = new Set(orders.map((o) => o.orderNo));
  const usedCodes = state.usedCodes.filter(([, orderNo]) => keptNos.has(orderNo));
  const usedNow = new Set(usedCodes.map(([code]) => code));
  return {
    seq: state.seq,
    orders,
    refunds: state.refunds.filter(keep),
    failedRefunds: state.failedRefunds.filter(keep),
    reversals: state.reversals.filter(keep),
    reverseRetries: state.reverseRetries.filter(keep),
    submissions: state.submissions.filter((x) => usedNow.has(x.authCode) || x.at >= cutoff),
    usedCodes,
  };
}

type Digest = (s: string) => string;
const digestOnce = (s: string, digest: Digest): string => (s === '' || s.startsWith(DIGEST_PREFIX) ? s : digest(s));
/** The last four digits only: with the first four as well, the eight hidden ones could simply be tried. */
const masked = (code: string): string => `${'*'.repeat(Math.max(0, code.length - 4))}${code.slice(-4)}`;

/**
 * The ledger as written down: no payment code in full (a customer's code scanned on a training till is
 * theirs). Orders keep the code masked to its last four digits; used codes, submissions and fingerprints
 * keep the ledger's keyed digest, which it still matches.
 */
export function withoutCodes(state: LedgerState, digest: Digest): LedgerState {
  return {
    ...state,
    orders: state.orders.map((o) => ({ ...o, authCode: masked(o.authCode), fingerprint: digestOnce(o.fingerprint, digest) })),
    submissions: state.submissions.map((x) => ({ ...x, authCode: digestOnce(x.authCode, digest) })),
    usedCodes: state.usedCodes.map(([code, orderNo]): [string, string] => [digestOnce(code, digest), orderNo]),
  };
}

/** The ledger as served by `GET /__sandbox/ledger` of the training till's sandbox: no code in full either. */
export function snapshotWithoutCodes(snapshot: LedgerSnapshot, digest: Digest): LedgerSnapshot {
  return {
    ...snapshot,
    orders: snapshot.orders.map((o) => ({ ...o, authCode: masked(o.authCode), fingerprint: digestOnce(o.fingerprint, digest) })),
    submissions: snapshot.submissions.map((x) => ({ ...x, authCode: digestOnce(x.authCode, digest) })),
  };
}

/** Lays a changes line over the state read so far (what ledger.applyState does in memory). */
function laidOver(base: LedgerState, d: LedgerState): LedgerState {
  const by = <T>(items: T[], id: (x: T) => string, over: T[]): T[] => [...new Map([...items, ...over].map((x) => [id(x), x])).values()];
  const ok = (x: { channel: string; orderNo: string }): string => `${x.channel}:${x.orderNo}`;
  return {
    seq: Math.max(base.seq, d.seq),
    orders: by(base.orders, ok, d.orders),
    refunds: by(base.refunds, (r) => (r.byReversal ? `${ok(r)}#reversal` : `${r.channel}:${r.refundNo}`), d.refunds),
    failedRefunds: by(base.failedRefunds, (f) => `${f.channel}:${f.refundNo}`, d.failedRefunds),
    reversals: [...base.reversals, ...d.reversals],
    reverseRetries: [...base.reverseRetries, ...d.reverseRetries],
    submissions: by(base.submissions, (x) => x.authCode, d.submissions),
    usedCodes: by(base.usedCodes, ([code]) => code, d.usedCodes),
  };
}

const describeIssue = (e: z.ZodError): string => {
  const first = e.issues[0];
  return first ? `${first.path.join('.') || 'line'}: ${first.message}` : 'invalid';
};

/** The ledger in the file's lines, or why they are not one. */
function parseLines(text: string): { state: LedgerState; torn: boolean } | { why: string } {
  const lines = text.split('\n');
  // Written line by line, each ending in a newline: an unfinished last line is a write cut short.
  const last = lines.pop() ?? '';
  let torn = false;
  if (last !== '') {
    try {
      lines.push(JSON.stringify(JSON.parse(last)));
    } catch {
      torn = true;
    }
  }
  let state: LedgerState | undefined;
  for (const [i, line] of lines.entries()) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      return { why: `not JSON at line ${i + 1} (${(e as Error).message.slice(0, 120)})` };
    }
    if (state === undefined) {
      const first = snapshotLine.safeParse(json);
      if (!first.success) return { why: `not a sandbox ledger (line 1, ${describeIssue(first.error)})` };
      state = first.data.snapshot;
      continue;
    }
    const next = changesLine.safeParse(json);
    if (!next.success) return { why: `not a sandbox ledger (line ${i + 1}, ${describeIssue(next.error)})` };
    state = laidOver(state, next.data.changes);
  }
  return state ? { state, torn } : { why: 'empty' };
}

/**
 * The ledger kept in `file`: null when there is none yet. A file that is not a ledger is moved aside and
 * reported as `problem` (the caller logs it); the sandbox then starts empty. One that cannot be read is
 * left alone and `writable` is false: this run must not write over it.
 */
export function readLedgerFile(file: string, now: number): LedgerFileRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: null, writable: true };
    return { state: null, writable: false, problem: `cannot read ${file} (${(e as Error).message}): left as it is; the sandbox starts empty and keeps nothing until the till restarts` };
  }
  const parsed = parseLines(text);
  if ('state' in parsed) {
    const state = pruneLedgerState(parsed.state, now);
    return parsed.torn ? { state, writable: true, problem: `${file}: its last line was cut short (the till stopped while writing it) and is dropped` } : { state, writable: true };
  }
  const aside = `${file}.broken-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    fs.renameSync(file, aside);
    return { state: null, writable: true, problem: `${file} is ${parsed.why}: moved to ${aside}, the sandbox starts empty` };
  } catch (e) {
    return { state: null, writable: false, problem: `${file} is ${parsed.why}, and could not be moved aside (${(e as Error).message}): the sandbox starts empty and keeps nothing until the till restarts` };
  }
}

/** Flushes the folder, so a rename in it survives a power cut. Best effort: not every system can. */
function syncFolder(file: string): void {
  try {
    const fd = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // e.g. Windows cannot open a folder this way; the rename is still atomic there
  }
}

/**
 * Writes `state` as the whole file: a new file, flushed, renamed over the old. Returns its size. A write
 * cut short (a full disk) throws and leaves the old file as it was.
 */
export function writeLedgerFile(file: string, state: LedgerState, digest: Digest): number {
  const tmp = `${file}.tmp`;
  const text = `${JSON.stringify({ version: VERSION, snapshot: withoutCodes(state, digest) })}\n`;
  try {
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, text); // all of it or an error (fs.writeSync may write part and say so)
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  syncFolder(file);
  return Buffer.byteLength(text);
}

export type LedgerKeeper = {
  /** After a request: appends what it changed (nothing when it changed nothing). */
  keep(): void;
  /** Writes the whole ledger again (after a reset, or when the lines have grown). */
  rewrite(): void;
  close(): void;
};

/**
 * Restores the ledger kept in `file` and keeps it from then on. A write that fails is reported once until
 * one succeeds again; the sandbox goes on from memory, and the next write is a whole new snapshot (the
 * failed change must not be missing from the lines).
 */
export function keepLedger(file: string, ledger: Pick<Ledger, 'importState' | 'exportState' | 'takeChanges' | 'digest'>, clock: Clock, report: (message: string) => void, compactAtBytes = COMPACT_MIN_BYTES): LedgerKeeper {
  const read = readLedgerFile(file, clock.now());
  if (read.problem) report(read.problem);
  if (read.state) ledger.importState(read.state);
  if (!read.writable) return { keep: () => {}, rewrite: () => {}, close: () => {} };
  let fd: number | null = null;
  let snapshotBytes = 0;
  let linesBytes = 0;
  let failing = false;
  const closeFd = (): void => {
    const open = fd;
    fd = null;
    try {
      if (open !== null) fs.closeSync(open);
    } catch {
      // nothing more to do with it: the next write starts a new file
    }
  };
  const guarded = (write: () => void): void => {
    try {
      write();
      failing = false;
    } catch (e) {
      closeFd(); // the next write is a whole snapshot
      if (!failing) report(`cannot keep the sandbox ledger in ${file}: ${e instanceof Error ? e.message : String(e)}`);
      failing = true;
    }
  };
  const rewrite = (): void =>
    guarded(() => {
      closeFd();
      ledger.takeChanges(); // all of it goes into the snapshot
      const all = ledger.exportState();
      // A till never restarted for a year forgets what is past keeping as well.
      const kept = pruneLedgerState(all, clock.now());
      if (kept.orders.length !== all.orders.length || kept.submissions.length !== all.submissions.length) ledger.importState(kept);
      snapshotBytes = writeLedgerFile(file, kept, ledger.digest);
      linesBytes = 0;
      fd = fs.openSync(file, 'a');
    });
  const keep = (): void => {
    if (fd === null) return rewrite();
    const open = fd;
    guarded(() => {
      const changes = ledger.takeChanges();
      if (!changes) return;
      const line = `${JSON.stringify({ changes: withoutCodes(changes, ledger.digest) })}\n`;
      fs.writeFileSync(open, line); // all of it or an error: half a line is then rewritten whole (guarded)
      fs.fdatasyncSync(open);
      linesBytes += Buffer.byteLength(line);
    });
    if (fd !== null && linesBytes > Math.max(compactAtBytes, snapshotBytes)) rewrite();
  };
  rewrite(); // what was read, pruned, as one snapshot
  return {
    keep,
    rewrite,
    close: () => {
      keep(); // anything not written yet (a change outside a request)
      closeFd();
    },
  };
}
