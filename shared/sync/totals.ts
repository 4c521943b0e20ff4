import { type OutboxEntry, type Tender } from './entry';
import { type DailyTotals, type TenderTotals, type TerminalTotals, type TotalsFigures } from './protocol';

/**
 * Store-wide daily totals from stored entries (pure; HQ feeds it the entries of one store and business
 * date). Sales with status 'completed' count as sales; refunds and voids count separately and reduce net.
 * Records made in training mode count in `training` only.
 * Shift closes and cash movements are not sales figures and are ignored here.
 */
export const emptyFigures = (): TotalsFigures => ({
  salesCount: 0,
  salesFen: 0,
  refundsCount: 0,
  refundsFen: 0,
  voidsCount: 0,
  voidsFen: 0,
  netFen: 0,
});

/** The tender group a tender is reported under: 'cash', its channel, or 'code' when no channel is known. */
export const tenderGroup = (tender: Tender): string => (tender.kind === 'cash' ? 'cash' : (tender.channel ?? 'code'));

type Movement = { kind: 'sale' | 'refund' | 'void'; amountFen: number; tenders: readonly Tender[] };

function movementOf(entry: OutboxEntry): Movement | null {
  switch (entry.kind) {
    case 'sale':
      return entry.payload.status === 'completed' ? { kind: 'sale', amountFen: entry.payload.totalFen, tenders: entry.payload.tenders } : null;
    case 'refund':
      return { kind: 'refund', amountFen: entry.payload.amountFen, tenders: entry.payload.tenders };
    case 'void':
      return { kind: 'void', amountFen: entry.payload.amountFen, tenders: entry.payload.tenders };
    case 'shift_close':
    case 'cash_movement':
      return null;
  }
}

/** `count`: 0 for a further part of a refund already counted there (its money still adds up). */
function add(figures: TotalsFigures, kind: Movement['kind'], amountFen: number, count: 0 | 1 = 1): void {
  if (kind === 'sale') {
    figures.salesCount += 1;
    figures.salesFen += amountFen;
    figures.netFen += amountFen;
  } else if (kind === 'refund') {
    figures.refundsCount += count;
    figures.refundsFen += amountFen;
    figures.netFen -= amountFen;
  } else {
    figures.voidsCount += 1;
    figures.voidsFen += amountFen;
    figures.netFen -= amountFen;
  }
}

/** Sums per tender group inside one movement, so a sale paid 2 × cash counts once under 'cash'. */
function amountsByGroup(tenders: readonly Tender[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of tenders) {
    const group = tenderGroup(t);
    out.set(group, (out.get(group) ?? 0) + t.amountFen);
  }
  return out;
}

const getOrCreate = <K, V>(map: Map<K, V>, key: K, create: () => V): V => {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = create();
  map.set(key, made);
  return made;
};

/** Code-point order, not locale order, so results are the same on every machine. */
const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

const sortedTenders = (groups: Map<string, TotalsFigures>): TenderTotals[] =>
  [...groups.entries()].sort(byKey).map(([tender, figures]) => ({ tender, ...figures }));

export function computeDailyTotals(date: string, storeId: string, entries: Iterable<OutboxEntry>): DailyTotals {
  const store = emptyFigures();
  const storeByTender = new Map<string, TotalsFigures>();
  const terminals = new Map<string, { figures: TotalsFigures; byTender: Map<string, TotalsFigures> }>();

  const training = emptyFigures();
  // A refund given back through two tenders arrives as one entry per part (same refundId): it counts as one
  // refund (once per slice it touches), as a sale paid by two tenders does; its amounts all add up.
  const counted = new Set<string>();
  const once = (key: string | null): 0 | 1 => {
    if (key === null) return 1;
    if (counted.has(key)) return 0;
    counted.add(key);
    return 1;
  };
  for (const entry of entries) {
    if (entry.businessDate !== date || entry.storeId !== storeId) continue;
    const movement = movementOf(entry);
    if (movement === null) continue;
    const refundId = entry.kind === 'refund' ? (entry.payload as Record<string, unknown>).refundId : undefined;
    const refundKey = typeof refundId === 'string' ? `${entry.terminalId}\u0000${refundId}` : null;
    const countIn = (slice: string): 0 | 1 => once(refundKey === null ? null : `${refundKey}\u0000${slice}`);
    // Practice, never real money: counted apart, in no other figure.
    if (entry.payload.training === true) {
      add(training, movement.kind, movement.amountFen, countIn('training'));
      continue;
    }
    const terminal = getOrCreate(terminals, entry.terminalId, () => ({ figures: emptyFigures(), byTender: new Map() }));
    add(store, movement.kind, movement.amountFen, countIn('store'));
    add(terminal.figures, movement.kind, movement.amountFen, countIn('terminal'));
    for (const [group, amountFen] of amountsByGroup(movement.tenders)) {
      add(getOrCreate(storeByTender, group, emptyFigures), movement.kind, amountFen, countIn(`store:${group}`));
      add(getOrCreate(terminal.byTender, group, emptyFigures), movement.kind, amountFen, countIn(`terminal:${group}`));
    }
  }

  const byTerminal: TerminalTotals[] = [...terminals.entries()]
    .sort(byKey)
    .map(([terminalId, t]) => ({ terminalId, ...t.figures, byTender: sortedTenders(t.byTender) }));
  // Only when there is any: a reader older than the field (a strict schema) keeps reading real days.
  const trained = training.salesCount + training.refundsCount + training.voidsCount > 0;
  return { date, storeId, store, byTender: sortedTenders(storeByTender), byTerminal, ...(trained ? { training } : {}) };
}
