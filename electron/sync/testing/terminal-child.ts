/**
 * Child process for the exactly-once sync test (electron/sync/exactly-once.test.ts): a real host on a real
 * data folder, uploading to an HQ that lives in the parent (and misbehaves there). The parent SIGKILLs it
 * at random points; it also kills itself, with a seeded chance, right after HQ answered a batch and
 * before the acks are committed: the window where HQ has entries the terminal still thinks unsent.
 *
 *   node --import tsx terminal-child.ts work  <dataDir> <hqUrl> <secret> <seed> <ops> <selfKillPercent>
 *   node --import tsx terminal-child.ts final <dataDir> <hqUrl> <secret> <seed> <ops>
 *
 * work: sells until killed. final: sells `ops` times without dying, then uploads until the outbox is
 * empty and exits 0. Output: JSON lines on stdout: {"ready":true}, {"op":n,"kind":...}, {"drained":...}.
 */
import { createHost } from '../../host';
import { silentLogger } from '../../log';
import { seededRandom } from '../../devices/test-clock';
import { stmt } from '../../db/stmt';

const [mode, dataDir, hqUrl, secret, seedText, opsText, killText] = process.argv.slice(2);
if ((mode !== 'work' && mode !== 'final') || !dataDir || !hqUrl || !secret) throw new Error('usage: terminal-child work|final <dataDir> <hqUrl> <secret> <seed> <ops> [selfKillPercent]');
const seed = Number(seedText ?? 1);
// Separate streams: what the cashier does must not depend on how many uploads happened to run meanwhile.
const opRandom = seededRandom(seed);
const netRandom = seededRandom(seed ^ 0x5bd1e995);
const jitter = seededRandom(seed ^ 0x1b873593);
const selfKill = mode === 'work' ? Number(killText ?? 0) / 100 : 0;
const out = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const int = (lo: number, hi: number): number => lo + Math.floor(opRandom() * (hi - lo + 1));

/** The crash point: HQ has answered (and stored) a batch; the terminal has not applied the acks yet. */
const dyingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (init?.method !== 'POST') return response;
  const text = await response.text();
  if (netRandom() < selfKill) process.kill(process.pid, 'SIGKILL');
  return new Response(text, { status: response.status, headers: response.headers });
};

// The host's timers are unref'd; keep this process alive ourselves.
const keepAlive = setInterval(() => undefined, 1_000);
const PIN = '246810';
const host = createHost({ dataDir, logger: silentLogger, initialManagerPin: PIN, sync: { random: jitter, backoffBaseMs: 10, backoffMaxMs: 100, fetch: dyingFetch } });
const client = host.connect();
async function must<T>(method: string, params: unknown = {}): Promise<T> {
  const r = await host.call(method, params, client);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
type Sale = { id: string; totalFen: number; dueFen: number };

await must('session.login', { userId: 'manager', pin: PIN });
// Small batches and short timeouts: many uploads (and faults) per run. Saved in the database, so a
// restarted terminal picks them up at once.
if (host.ctx.settings().sync.hqUrl !== hqUrl) await must('sync.configure', { hqUrl, secret, batchSize: 1 + (seed % 7), intervalMs: 100, timeoutMs: 250 });
out({ ready: true });

async function openWithLines(): Promise<Sale> {
  const sale = await must<Sale>('sale.open');
  let last = sale;
  for (let n = int(1, 3); n > 0; n--) last = await must<Sale>('sale.addLine', { saleId: sale.id, kind: 'amount', quantity: int(1, 3), unitPriceFen: int(1, 500) * 10 });
  return last;
}

/** A cash sale: paid at once (with change) or in two cash tenders. */
async function sell(): Promise<void> {
  const sale = await openWithLines();
  if (opRandom() < 0.3 && sale.totalFen > 1) {
    const first = int(1, sale.totalFen - 1);
    await must('sale.tenderCash', { saleId: sale.id, givenFen: first, amountFen: first });
  }
  const due = (await must<Sale>('sale.get', { saleId: sale.id })).dueFen;
  await must('sale.tenderCash', { saleId: sale.id, givenFen: due + (opRandom() < 0.5 ? 0 : int(1, 100) * 10) });
}

/** A full or partial refund of one of the sales that still has money to give back. */
async function refund(): Promise<boolean> {
  const rows = stmt(host.ctx.db, "SELECT id, paid_fen - refunded_fen AS left FROM sales WHERE status IN ('paid', 'partly_refunded') ORDER BY created_at, id").all() as { id: string; left: number }[];
  const pick = rows[Math.floor(opRandom() * rows.length)];
  if (pick === undefined || pick.left <= 0) return false;
  await must('refund.request', { saleId: pick.id, reason: 'test', ...(opRandom() < 0.5 ? {} : { amountFen: int(1, pick.left) }) });
  return true;
}

/** A sale cancelled before completion, sometimes after part of it was paid in cash (that goes back). */
async function voidOne(): Promise<void> {
  const sale = await openWithLines();
  if (opRandom() < 0.4 && sale.totalFen > 1) {
    const part = int(1, sale.totalFen - 1);
    await must('sale.tenderCash', { saleId: sale.id, givenFen: part, amountFen: part });
  }
  await must('sale.void', { saleId: sale.id, reason: 'customer left' });
}

{
  const ops = Number(opsText ?? 10);
  for (let i = 1; i <= ops; i++) {
    const r = opRandom();
    let kind: string;
    if (r < 0.5) {
      await sell();
      kind = 'sale';
    } else if (r < 0.75) kind = (await refund()) ? 'refund' : 'none';
    else if (r < 0.92) {
      await voidOne();
      kind = 'void';
    } else {
      await openWithLines(); // left open: not a record, must never reach HQ
      kind = 'open';
    }
    out({ op: i, kind });
    await sleep(int(0, 8));
  }
  out({ done: true });
}
if (mode === 'final') {
  // No more kills: upload until the queue is empty (HQ may still misbehave; sync.now retries at once).
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await must<{ queued: number; sending: number; parked: number; conflicts: number }>('sync.now');
    if (s.queued === 0 && s.sending === 0) {
      out({ drained: true, parked: s.parked, conflicts: s.conflicts });
      break;
    }
    if (Date.now() > deadline) throw new Error(`drain did not finish: ${JSON.stringify(s)}`);
    await sleep(10);
  }
  await host.close();
  clearInterval(keepAlive);
  process.exit(0);
}
