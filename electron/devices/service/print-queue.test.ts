import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../log';
import { migration0001 } from '../../db/migrations/0001_foundation';
import { migration0002 } from '../../db/migrations/0002_sales_payments';
import { migration0003 } from '../../db/migrations/0003_devices';
import { migration0006 } from '../../db/migrations/0006_refund_receipts';
import { receiptSchema } from '../../../shared/receipt/model';
import { SAMPLE_REFUND } from '../../../shared/receipt/fixtures';
import { type PrintJobView } from '../../../shared/api/devices';
import { TestClock } from '../test-clock';
import { getJob, insertJob } from './jobs-repo';
import { createPrintQueue } from './print-queue';
import { type PrintSink, type SinkOutcome } from './sinks';

function setup(script: Array<SinkOutcome | 'hang'>) {
  const db = new Database(':memory:');
  migration0001.up(db);
  migration0002.up(db);
  migration0003.up(db);
  migration0006.up(db);
  const clock = new TestClock();
  const printed: string[] = [];
  const events: PrintJobView[] = [];
  const problems: Array<string | null> = [];
  let release: (() => void) | null = null;
  const sink: PrintSink = {
    target: '/dev/fake',
    async print(job) {
      const next = script.shift() ?? { ok: true, file: null };
      if (next === 'hang') await new Promise<void>((r) => (release = r));
      else if (!next.ok && !next.maybePrinted) return next;
      printed.push(job.name);
      return next === 'hang' ? { ok: true, file: null } : next;
    },
  };
  let available = true;
  let virtual = false;
  const queue = createPrintQueue({
    db,
    log: silentLogger,
    now: () => new Date(clock.now()).toISOString(),
    sink: () => (available ? (virtual ? { ...sink, target: 'virtual' } : sink) : null),
    unavailableReason: () => 'printer not connected',
    render: () => ({ bytes: Buffer.from('x'), previewText: ['x'] }),
    renderDrawerPulse: () => ({ pulse: Buffer.from([0x1b, 0x70, 0, 25, 250]), realtime: Buffer.from([0x10, 0x14, 1, 0, 1]) }),
    onJob: (v) => events.push(v),
    onProblem: (p) => problems.push(p),
    timers: clock,
    pollMs: 1_000,
  });
  const receiptJson = JSON.stringify(receiptSchema.parse(SAMPLE_REFUND));
  let n = 0;
  const add = (): string => {
    n++;
    return insertJob(db, { id: `j${n}`, kind: 'test', saleId: null, refundId: null, receiptNo: `R${n}`, copyNumber: null, receiptJson, requestedBy: null, at: 't' }).id;
  };
  return { db, clock, queue, printed, events, problems, add, setAvailable: (v: boolean) => (available = v), setVirtual: (v: boolean) => (virtual = v), release: () => release?.() };
}

describe('print queue', () => {
  it('prints oldest first, each job once, however often it is kicked', async () => {
    const s = setup([]);
    s.add();
    s.add();
    await Promise.all([s.queue.kick(), s.queue.kick(), s.queue.kick()]);
    expect(s.printed).toEqual(['R1', 'R2']);
    expect(getJob(s.db, 'j1')).toMatchObject({ state: 'printed', attempts: 1, target: '/dev/fake' });
    expect(s.events.map((e) => `${e.id}:${e.state}`)).toEqual(['j1:printing', 'j1:printed', 'j2:printing', 'j2:printed']);
  });

  it('a refusal keeps the job (and those behind it) queued; the poll retries', async () => {
    const s = setup([{ ok: false, maybePrinted: false, reason: 'printer is out of paper', problem: 'printer is out of paper' }]);
    s.add();
    s.add();
    await s.queue.kick();
    expect(getJob(s.db, 'j1')).toMatchObject({ state: 'queued', reason: 'printer is out of paper', attempts: 1 });
    expect(getJob(s.db, 'j2')?.state).toBe('queued');
    expect(s.problems).toEqual(['printer is out of paper']);
    s.clock.advance(1_000);
    await s.queue.kick();
    expect(s.printed).toEqual(['R1', 'R2']);
    expect(s.problems.at(-1)).toBeNull();
  });

  it('no printer connected: the reason is set once, nothing is attempted', async () => {
    const s = setup([]);
    s.setAvailable(false);
    s.add();
    await s.queue.kick();
    await s.queue.kick();
    expect(getJob(s.db, 'j1')).toMatchObject({ state: 'queued', reason: 'printer not connected', attempts: 0 });
    expect(s.events).toHaveLength(1);
  });

  it('maybe-printed failures make the job uncertain and the queue goes on', async () => {
    const s = setup([{ ok: false, maybePrinted: true, reason: 'printing was cut off', problem: null }]);
    s.add();
    s.add();
    await s.queue.kick();
    expect(getJob(s.db, 'j1')).toMatchObject({ state: 'uncertain', reason: 'printing was cut off' });
    expect(getJob(s.db, 'j2')?.state).toBe('printed');
    await s.queue.kick();
    expect(getJob(s.db, 'j1')?.state).toBe('uncertain');
  });

  it('a stop during a write leaves the job printing, and recovery makes it uncertain', async () => {
    const s = setup(['hang']);
    s.add();
    const kicked = s.queue.kick();
    await new Promise((r) => setImmediate(r));
    expect(getJob(s.db, 'j1')?.state).toBe('printing');
    const stopping = s.queue.stop(500);
    s.clock.advance(500);
    await stopping;
    expect(getJob(s.db, 'j1')?.state).toBe('printing');
    // A new queue on the same database (the next start) recovers it.
    const next = createPrintQueue({ db: s.db, log: silentLogger, now: () => 't2', sink: () => null, unavailableReason: () => '', render: () => ({ bytes: Buffer.alloc(0), previewText: [] }), renderDrawerPulse: () => ({ pulse: Buffer.alloc(0), realtime: Buffer.alloc(0) }), onJob: () => undefined, onProblem: () => undefined, timers: s.clock, pollMs: 1 });
    next.recover();
    expect(getJob(s.db, 'j1')).toMatchObject({ state: 'uncertain', reason: expect.stringContaining('app stopped') });
    s.release();
    await kicked;
  });

  it('opens the drawer between jobs, once, and never later when the printer is absent or virtual', async () => {
    const s = setup([]);
    s.add();
    const first = s.queue.kick();
    const pulse = s.queue.pulseDrawer('cash tendered');
    await Promise.all([first, pulse]);
    // The pulse waits for the receipt being written, then goes before the next job.
    s.add();
    await Promise.all([s.queue.pulseDrawer('cash handed back'), s.queue.kick()]);
    expect(s.printed).toEqual(['R1', 'drawer', 'drawer', 'R2']);
    // No printer: the drawer stays shut and is not opened when the printer comes back.
    s.setAvailable(false);
    await s.queue.pulseDrawer('cash in');
    s.setAvailable(true);
    await s.queue.kick();
    s.setVirtual(true);
    await s.queue.pulseDrawer('cash out');
    expect(s.printed).toEqual(['R1', 'drawer', 'drawer', 'R2']);
    expect(getJob(s.db, 'j2')?.state).toBe('printed');
  });
});
