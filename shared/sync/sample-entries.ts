import { SYNC_SCHEMA_VERSION, type OutboxEntry, type Tender } from './entry';

/**
 * Builders of valid outbox entries for tests, the benchmark and the sandbox. Deterministic: ids derive
 * from the terminal and seq unless given.
 */
export type SampleBase = {
  terminalId?: string;
  storeId?: string;
  seq: number;
  idempotencyKey?: string;
  businessDate?: string;
  createdAt?: string;
};

function base(b: SampleBase) {
  const terminalId = b.terminalId ?? 'T01';
  return {
    schemaVersion: SYNC_SCHEMA_VERSION,
    terminalId,
    storeId: b.storeId ?? 'S001',
    seq: b.seq,
    idempotencyKey: b.idempotencyKey ?? `${terminalId}-${String(b.seq).padStart(8, '0')}`,
    createdAt: b.createdAt ?? '2024-05-01T10:00:00.000+08:00',
    businessDate: b.businessDate ?? '2024-05-01',
  } as const;
}

export const cashTender = (amountFen: number): Tender => ({ kind: 'cash', amountFen });
export const codeTender = (channel: string, amountFen: number): Tender => ({ kind: 'code', channel, amountFen });

export function sampleSale(b: SampleBase & { tenders?: Tender[] }): OutboxEntry {
  const tenders = b.tenders ?? [cashTender(1000)];
  const totalFen = tenders.reduce((sum, t) => sum + t.amountFen, 0);
  return {
    ...base(b),
    kind: 'sale',
    payload: {
      saleId: b.idempotencyKey ?? `${b.terminalId ?? 'T01'}-${b.seq}`,
      totalFen,
      lines: [{ name: '矿泉水', sku: '6901234567892', quantity: 1, unitPriceFen: totalFen, amountFen: totalFen }],
      tenders,
      status: 'completed',
    },
  };
}

export function sampleRefund(b: SampleBase & { saleId: string; tenders: Tender[]; kind?: 'refund' | 'void' }): OutboxEntry {
  const amountFen = b.tenders.reduce((sum, t) => sum + t.amountFen, 0);
  return { ...base(b), kind: b.kind ?? 'refund', payload: { saleId: b.saleId, amountFen, tenders: b.tenders } };
}
