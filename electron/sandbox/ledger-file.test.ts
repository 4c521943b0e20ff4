import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createManualClock } from '../clock';
import { createLedger, type LedgerState } from './ledger';
import { createChannels, httpSend, sandboxChannelConfig } from '../payments/channels/index';
import { type PaymentChannel } from '../payments/channels/types';
import { startSandbox } from './server';
import { keepLedger, pruneLedgerState, readLedgerFile, RETENTION_DAYS, withoutCodes, writeLedgerFile } from './ledger-file';
import { freshCode, freshOrderNo, sharedKeys, startSandboxFixture } from './testing';

let dir: string;
beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-ledger-file-'))));
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const DAY_MS = 86_400_000;
/** One till's digest key (kept in its database in real use): ledgers restarted from a file match its codes. */
const KEY = Buffer.alloc(32, 7);
const ledgerOn = (clock = createManualClock()) => createLedger({ clock, passwordQueries: 2, passwordDelayMs: 10_000, codeDigestKey: KEY });
const payInput = (orderNo: string, authCode: string, amountFen = 1000) => ({ channel: 'wechat' as const, orderNo, authCode, amountFen, subject: 's', fingerprint: `${orderNo}|${authCode}|${amountFen}` });
const noReport = (): void => {};
const lines = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('the kept sandbox ledger', () => {
  it('comes back whole: orders, refunds (a replay is the same refund), reversals, used codes, refused refunds, and ids go on', () => {
    const clock = createManualClock();
    const a = ledgerOn(clock);
    a.pay(payInput('O1', '130000000000000001'), 'success');
    a.pay(payInput('O2', '130000000000000002'), 'success');
    a.pay(payInput('O3', '130000000000000003'), 'password');
    a.submit('wechat', '130000000000000001');
    const refunded = a.refund('wechat', 'O1', 'R1', 300);
    a.reverse('wechat', 'O2');
    a.failRefund('jeepay', 'J1', 'JR1', 100, 'refused');
    const file = path.join(dir, 'ledger.json');
    writeLedgerFile(file, a.exportState(), a.digest);

    const b = ledgerOn(clock);
    const read = readLedgerFile(file, clock.now());
    expect(read.problem).toBeUndefined();
    b.importState(read.state as LedgerState);
    // The same, but for the codes, which are never written down in full.
    expect(b.exportState()).toEqual(withoutCodes(a.exportState(), a.digest));
    expect(b.snapshot().totals).toEqual(a.snapshot().totals);
    // The same refund number again is the same refund, not a second one.
    const again = b.refund('wechat', 'O1', 'R1', 300);
    expect(again).toMatchObject({ kind: 'ok', replay: true, refund: { refundId: refunded.kind === 'ok' ? refunded.refund.refundId : 'x' } });
    expect(b.refund('wechat', 'O1', 'R2', 800)).toMatchObject({ kind: 'error', reason: 'EXCEEDS' });
    // A code is single use across the restart; the same request again is the same order; a refused refund
    // is still on record; password entry goes on.
    expect(b.pay(payInput('O9', '130000000000000002'), 'success')).toMatchObject({ kind: 'declined', reason: 'CODE_USED' });
    expect(b.pay(payInput('O1', '130000000000000001'), 'success')).toMatchObject({ kind: 'duplicate_paid' });
    expect(b.pay(payInput('O1', '130000000000000009'), 'success')).toMatchObject({ kind: 'duplicate_mismatch' });
    expect(b.findFailedRefund('jeepay', 'JR1')).toMatchObject({ orderNo: 'J1', amountFen: 100 });
    expect(b.query('wechat', 'O3')?.status).toBe('paying');
    expect(b.query('wechat', 'O3')?.status).toBe('paid');
    // Transaction ids keep counting: a new order never repeats an old one's.
    const fresh = b.pay(payInput('O4', '130000000000000004'), 'success');
    const old = b.snapshot().orders.filter((o) => o.orderNo !== 'O4').map((o) => o.transactionId);
    expect(old).not.toContain(fresh.kind === 'paid' ? fresh.order.transactionId : '');
  });

  it('never writes a payment code in full: orders keep it masked, the rest a digest', () => {
    const clock = createManualClock();
    const l = ledgerOn(clock);
    const file = path.join(dir, 'ledger.json');
    const keeper = keepLedger(file, l, clock, noReport);
    l.submit('wechat', '134567890123456789');
    l.pay(payInput('O1', '134567890123456789'), 'success');
    keeper.keep();
    writeLedgerFile(path.join(dir, 'snapshot.json'), l.exportState(), l.digest);
    keeper.close();
    for (const f of [file, path.join(dir, 'snapshot.json')]) {
      const text = fs.readFileSync(f, 'utf8');
      expect(text).not.toContain('134567890123456789');
      expect(text).toContain('**************6789');
      expect(text).not.toContain('1345*');
    }
  });

  it("digests codes with the till's own key: not a plain hash whose few unknown digits could be tried", () => {
    const code = '2812189442483456';
    const mine = ledgerOn();
    const other = createLedger({ clock: createManualClock(), passwordQueries: 2, passwordDelayMs: 10_000, codeDigestKey: Buffer.alloc(32, 9) });
    expect(mine.digest(code)).toBe(ledgerOn().digest(code));
    expect(mine.digest(code)).not.toBe(other.digest(code));
    expect(mine.digest(code)).not.toContain(createHash('sha256').update(code).digest('hex'));
    mine.pay({ ...payInput('O1', code), channel: 'alipay' }, 'success');
    const kept = JSON.stringify(withoutCodes(mine.exportState(), mine.digest));
    expect(kept).not.toContain(code);
    expect(kept).toContain('"authCode":"************3456"');
  });

  it('no file yet: nothing to restore, nothing to say', () => {
    expect(readLedgerFile(path.join(dir, 'none.json'), Date.now())).toEqual({ state: null, writable: true });
  });

  it.each([
    ['not JSON', '{"version":1,"snapshot":{\n{"changes":{}}\n'],
    ['another shape', `${JSON.stringify({ version: 2, snapshot: { orders: 'many' } })}\n`],
    ['another version', `${JSON.stringify({ version: 1, snapshot: {} })}\n`],
    ['a negative amount', `${JSON.stringify({ version: 2, snapshot: { seq: 1, orders: [{ ...payInput('O1', '13'), transactionId: 't', status: 'paid', charged: true, refundedFen: 0, createdAt: 1, amountFen: -5 }], refunds: [], failedRefunds: [], reversals: [], reverseRetries: [], submissions: [], usedCodes: [] } })}\n`],
    ['empty', ''],
  ])('a broken file (%s) is moved aside with a clear reason and the sandbox starts empty', (_what, text) => {
    const file = path.join(dir, 'ledger.json');
    fs.writeFileSync(file, text);
    const read = readLedgerFile(file, Date.UTC(2026, 10, 27, 6, 0, 0));
    expect(read).toMatchObject({ state: null, writable: true });
    expect(read.problem).toMatch(/is (not JSON|not a sandbox ledger|empty).*moved to .*ledger\.json\.broken-2026-11-27T06-00-00-000Z, the sandbox starts empty/);
    expect(fs.existsSync(file)).toBe(false);
    // Nothing is lost: the broken file is kept as it was.
    expect(fs.readFileSync(`${file}.broken-2026-11-27T06-00-00-000Z`, 'utf8')).toBe(text);
  });

  it('a file that cannot be read is left as it is, and nothing is written over it this run', () => {
    const file = path.join(dir, 'ledger.json');
    fs.mkdirSync(file); // reading it fails (EISDIR), as a file held by another program would
    const problems: string[] = [];
    const clock = createManualClock();
    const l = ledgerOn(clock);
    const keeper = keepLedger(file, l, clock, (m) => problems.push(m));
    l.pay(payInput('O1', '130000000000000001'), 'success');
    keeper.keep();
    keeper.rewrite();
    keeper.close();
    expect(problems).toEqual([expect.stringMatching(/cannot read .*ledger\.json.*left as it is; the sandbox starts empty and keeps nothing until the till restarts/)]);
    expect(fs.statSync(file).isDirectory()).toBe(true);
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
  });

  it('grows by one short line per change, nothing when nothing changed, and is written again as one snapshot once the lines outgrow it', () => {
    const clock = createManualClock();
    const file = path.join(dir, 'ledger.json');
    const l = ledgerOn(clock);
    const keeper = keepLedger(file, l, clock, noReport, 2_000);
    expect(lines(file)).toHaveLength(1); // the snapshot
    l.pay(payInput('O1', '130000000000000001'), 'success');
    keeper.keep();
    keeper.keep(); // nothing new
    l.refund('wechat', 'O1', 'R1', 100);
    keeper.keep();
    const journal = lines(file);
    expect(journal).toHaveLength(3);
    expect(JSON.parse(journal[2] as string)).toMatchObject({ changes: { orders: [{ orderNo: 'O1', refundedFen: 100 }], refunds: [{ refundNo: 'R1' }], reversals: [] } });
    for (let i = 2; i < 12; i++) {
      l.pay(payInput(`O${i}`, `1300000000000000${String(i).padStart(2, '0')}`), 'success');
      keeper.keep();
    }
    keeper.close();
    // Folded into a new snapshot along the way, and what it holds is all of it.
    expect(lines(file).length).toBeLessThan(11);
    const read = readLedgerFile(file, clock.now());
    expect(read.state?.orders).toHaveLength(11);
    expect(read.state?.refunds.map((r) => r.refundNo)).toEqual(['R1']);
  });

  it('a last line cut short by a crash is dropped with a word; everything before it is kept', () => {
    const clock = createManualClock();
    const file = path.join(dir, 'ledger.json');
    const l = ledgerOn(clock);
    const keeper = keepLedger(file, l, clock, noReport);
    l.pay(payInput('O1', '130000000000000001'), 'success');
    keeper.keep();
    keeper.close();
    fs.appendFileSync(file, '{"changes":{"seq":3,"orders":[{"chann');
    const problems: string[] = [];
    const again = ledgerOn(clock);
    keepLedger(file, again, clock, (m) => problems.push(m)).close();
    expect(problems).toEqual([expect.stringMatching(/last line was cut short .* dropped/)]);
    expect(again.snapshot().orders.map((o) => o.orderNo)).toEqual(['O1']);
    expect(lines(file)).toHaveLength(1); // written again whole
  });

  it(`forgets orders untouched for ${RETENTION_DAYS} days with what hangs on them, and records of no order by their own time`, () => {
    const clock = createManualClock();
    const l = ledgerOn(clock);
    l.pay(payInput('OLD', '130000000000000011'), 'success');
    l.refund('wechat', 'OLD', 'ROLD', 100);
    l.submit('wechat', '130000000000000011');
    l.submit('wechat', '130000000000000099'); // refused before any order
    l.pay(payInput('OLD-REFUNDED-LATELY', '130000000000000013'), 'success');
    clock.advance(RETENTION_DAYS * DAY_MS - 1_000);
    l.refund('wechat', 'OLD-REFUNDED-LATELY', 'RLATE', 100);
    l.failRefund('jeepay', 'UNKNOWN', 'JR', 100, 'no such order'); // of no order, recent
    clock.advance(1_001);
    l.pay(payInput('NEW', '130000000000000012'), 'success');
    l.reverse('wechat', 'NEW');
    const pruned = pruneLedgerState(l.exportState(), clock.now());
    // Made a year ago but refunded within it: kept (a later refund of it still finds it).
    expect(pruned.orders.map((o) => o.orderNo)).toEqual(['OLD-REFUNDED-LATELY', 'NEW']);
    expect(pruned.refunds.map((r) => r.refundNo)).toEqual(['RLATE', 'NEW-REVERSE']); // and the reversal's refund
    expect(pruned.reversals.map((r) => r.orderNo)).toEqual(['NEW']);
    expect(pruned.failedRefunds.map((r) => r.refundNo)).toEqual(['JR']);
    expect(pruned.usedCodes).toEqual([['130000000000000013', 'OLD-REFUNDED-LATELY'], ['130000000000000012', 'NEW']]);
    expect(pruned.submissions).toEqual([]);
  });
});

describe('a sandbox keeping its ledger in a file', () => {
  it('still knows after a restart what it charged and refunded: queries, refund replays and new refunds agree', async () => {
    const stateFile = path.join(dir, 'sandbox.json');
    const first = await startSandboxFixture({ stateFile, codeDigestKey: KEY });
    const orderNo = freshOrderNo();
    expect(await first.channels.alipay.pay({ orderNo, authCode: freshCode('alipay'), amountFen: 1500, subject: 'kept' })).toMatchObject({ status: 'paid', paidFen: 1500 });
    const refunded = await first.channels.alipay.refund({ orderNo, refundNo: `${orderNo}R1`, totalFen: 1500, refundFen: 500 });
    expect(refunded).toMatchObject({ status: 'succeeded', refundFen: 500 });
    await first.close();

    const second = await startSandboxFixture({ stateFile, codeDigestKey: KEY });
    try {
      expect(await second.channels.alipay.query({ orderNo })).toMatchObject({ status: 'paid', paidFen: 1500 });
      // The same number again is the refund already made (Alipay: no new fund change), not a second one.
      const replay = await second.channels.alipay.refund({ orderNo, refundNo: `${orderNo}R1`, totalFen: 1500, refundFen: 500 });
      expect(replay).toMatchObject({ refundId: 'refundId' in refunded ? refunded.refundId : 'x', refundFen: 500 });
      expect(await second.channels.alipay.queryRefund({ orderNo, refundNo: `${orderNo}R1` })).toMatchObject({ status: 'succeeded', refundFen: 500 });
      expect(await second.channels.alipay.refund({ orderNo, refundNo: `${orderNo}R2`, totalFen: 1500, refundFen: 1000 })).toMatchObject({ status: 'succeeded', refundFen: 1000 });
      expect(second.sandbox.ledger.snapshot().totals.alipay).toEqual({ chargedFen: 1500, refundedFen: 1500, heldFen: 0 });
    } finally {
      await second.close();
    }
  });

  it('a ledger it cannot write is reported once and the sandbox goes on from memory', async () => {
    const problems: string[] = [];
    const fx = await startSandboxFixture({ stateFile: path.join(dir, 'missing-folder', 'sandbox.json'), onStateProblem: (m) => problems.push(m) });
    try {
      for (let i = 0; i < 3; i++) expect(await fx.channels.wechat.pay({ orderNo: freshOrderNo(), authCode: freshCode('wechat'), amountFen: 1000, subject: 'x' })).toMatchObject({ status: 'paid', paidFen: 1000 });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/cannot keep the sandbox ledger in .*missing-folder.*ENOENT/);
    } finally {
      await fx.close();
    }
  });

  it('a code sent again after a restart is counted on its one entry: 2, and still 2 after the next restart', async () => {
    const stateFile = path.join(dir, 'sandbox.json');
    const code = freshCode('wechat');
    const counts = (fx: { sandbox: { ledger: { snapshot(): { submissions: { authCode: string; count: number }[] }; digest(s: string): string } } }): number[] =>
      fx.sandbox.ledger.snapshot().submissions.filter((x) => x.authCode === code || x.authCode === fx.sandbox.ledger.digest(code)).map((x) => x.count);
    const first = await startSandboxFixture({ stateFile, codeDigestKey: KEY });
    expect(await first.channels.wechat.pay({ orderNo: freshOrderNo(), authCode: code, amountFen: 1000, subject: 'x' })).toMatchObject({ status: 'paid' });
    await first.close();
    const second = await startSandboxFixture({ stateFile, codeDigestKey: KEY });
    expect((await second.channels.wechat.pay({ orderNo: freshOrderNo(), authCode: code, amountFen: 1000, subject: 'x' })).status).toBe('failed'); // used
    expect(counts(second)).toEqual([2]);
    await second.close();
    const third = await startSandboxFixture({ stateFile, codeDigestKey: KEY });
    expect(counts(third)).toEqual([2]);
    await third.close();
  });

  it('a charge made by a signed GET (Alipay takes its form in the query string too) is kept as well', async () => {
    const stateFile = path.join(dir, 'ledger.json');
    const clock = createManualClock();
    const first = await startSandbox({ clock, keys: sharedKeys(), stateFile, codeDigestKey: KEY });
    const viaGet = createChannels(sandboxChannelConfig(first), {
      clock,
      send: (req) => httpSend({ method: 'GET', url: `${req.url}?${String(req.body ?? '')}`, timeoutMs: req.timeoutMs }),
    }).alipay as PaymentChannel;
    const orderNo = freshOrderNo();
    expect(await viaGet.pay({ orderNo, authCode: freshCode('alipay'), amountFen: 1500, subject: 'get' })).toMatchObject({ status: 'paid', paidFen: 1500 });
    await first.close();
    const second = await startSandbox({ clock, keys: sharedKeys(), stateFile, codeDigestKey: KEY });
    try {
      expect(second.ledger.order('alipay', orderNo)).toMatchObject({ status: 'paid', charged: true });
    } finally {
      await second.close();
    }
  });
});

describe('a full disk', () => {
  const ENOSPC = (): never => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };

  it('never replaces a good ledger: the snapshot that cannot be written whole is reported, the old file stays', () => {
    const clock = createManualClock();
    const file = path.join(dir, 'ledger.json');
    const l = ledgerOn(clock);
    for (let i = 0; i < 5; i++) l.pay(payInput(`O${i}`, `13000000000000000${i}`), 'success');
    writeLedgerFile(file, l.exportState(), l.digest);
    const before = fs.readFileSync(file, 'utf8');
    const real = fs.writeFileSync;
    vi.spyOn(fs, 'writeFileSync').mockImplementation((target, data, options) => (typeof target === 'number' ? ENOSPC() : real(target, data, options)));
    const problems: string[] = [];
    const again = ledgerOn(clock);
    const keeper = keepLedger(file, again, clock, (m) => problems.push(m));
    expect(problems).toEqual([expect.stringMatching(/cannot keep the sandbox ledger in .*ENOSPC/)]);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
    // Space again: the next change writes the whole ledger, and nothing of it is lost.
    vi.restoreAllMocks();
    again.pay(payInput('AFTER', '130000000000000099'), 'success');
    keeper.keep();
    keeper.close();
    expect(readLedgerFile(file, clock.now()).state?.orders.map((o) => o.orderNo)).toEqual(['O0', 'O1', 'O2', 'O3', 'O4', 'AFTER']);
  });

  it('an append that fails leaves no half line: the next write is the whole ledger again', () => {
    const clock = createManualClock();
    const file = path.join(dir, 'ledger.json');
    const l = ledgerOn(clock);
    const problems: string[] = [];
    const keeper = keepLedger(file, l, clock, (m) => problems.push(m));
    l.pay(payInput('KEEP', '130000000000000001'), 'success');
    keeper.keep();
    const real = fs.writeFileSync;
    const spy = vi.spyOn(fs, 'writeFileSync').mockImplementation((target, data, options) => (typeof target === 'number' ? ENOSPC() : real(target, data, options)));
    l.pay(payInput('LOST-LINE', '130000000000000002'), 'success');
    keeper.keep();
    spy.mockRestore();
    l.pay(payInput('AFTER', '130000000000000003'), 'success');
    keeper.keep();
    keeper.close();
    expect(problems).toHaveLength(1);
    const read = readLedgerFile(file, clock.now());
    expect(read.problem).toBeUndefined();
    expect(read.state?.orders.map((o) => o.orderNo)).toEqual(['KEEP', 'LOST-LINE', 'AFTER']);
  });
});
