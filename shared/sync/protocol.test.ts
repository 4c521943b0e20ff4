import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';
import { batchRequestSchema, batchResponseSchema, dailyTotalsSchema, MAX_BATCH_ENTRIES, outboxEntrySchema } from './protocol';
import { cashTender, codeTender, sampleRefund, sampleSale } from './sample-entries';
import { computeDailyTotals } from './totals';

const sale = sampleSale({ seq: 1, tenders: [cashTender(500), codeTender('wechat', 700)] });

describe('outbox entry schema', () => {
  it('accepts every kind', () => {
    const entries: unknown[] = [
      sale,
      sampleRefund({ seq: 2, saleId: 'T01-1', tenders: [codeTender('wechat', 700)] }),
      sampleRefund({ seq: 3, saleId: 'T01-1', tenders: [cashTender(500)], kind: 'void' }),
      { ...sale, seq: 4, idempotencyKey: 'shift-1', kind: 'shift_close', payload: { shiftId: 'shift-1', countedCashFen: 12_000 } },
      { ...sale, seq: 5, idempotencyKey: 'cm-1', kind: 'cash_movement', payload: { direction: 'in', amountFen: 5_000, reason: 'float' } },
    ];
    for (const e of entries) expect(outboxEntrySchema.safeParse(e).success).toBe(true);
  });

  it('keeps extra payload fields (the record) but refuses unknown top-level fields', () => {
    const parsed = outboxEntrySchema.parse({ ...sale, payload: { ...sale.payload, cashierId: 'u1' } });
    expect(parsed.payload).toMatchObject({ cashierId: 'u1' });
    expect(outboxEntrySchema.safeParse({ ...sale, extra: 1 }).success).toBe(false);
  });

  it.each([
    ['a newer schemaVersion', { schemaVersion: 2 }],
    ['seq 0', { seq: 0 }],
    ['a fractional seq', { seq: 1.5 }],
    ['an empty key', { idempotencyKey: '' }],
    ['a key over 64 chars', { idempotencyKey: 'k'.repeat(65) }],
    ['a key with spaces', { idempotencyKey: 'a b' }],
    ['an impossible date', { businessDate: '2024-02-30' }],
    ['a date in another format', { businessDate: '2024/05/01' }],
    ['createdAt that is not ISO', { createdAt: 'yesterday' }],
    ['an unknown kind', { kind: 'gift' }],
    ['a missing terminalId', { terminalId: undefined }],
  ])('rejects %s', (_name, patch) => {
    expect(outboxEntrySchema.safeParse({ ...sale, ...patch }).success).toBe(false);
  });

  it('rejects money that is not integer fen and tenders that do not cover the total', () => {
    const withPayload = (payload: object) => outboxEntrySchema.safeParse({ ...sale, payload: { ...sale.payload, ...payload } });
    expect(withPayload({ totalFen: 12.5 }).success).toBe(false);
    expect(withPayload({ tenders: [cashTender(500)] }).success).toBe(false);
    expect(withPayload({ tenders: [{ kind: 'cash', amountFen: -1 }] }).success).toBe(false);
    expect(withPayload({ tenders: [{ kind: 'card', amountFen: 1200 }] }).success).toBe(false);
    expect(withPayload({ status: 'open' }).success).toBe(false);
    expect(withPayload({ lines: [] }).success).toBe(false);
    const refund = sampleRefund({ seq: 2, saleId: 's', tenders: [cashTender(100)] });
    expect(outboxEntrySchema.safeParse({ ...refund, payload: { ...refund.payload, amountFen: 99 } }).success).toBe(false);
  });

  it('takes a completed sale without a tender only when it had nothing to pay (total 0 fen)', () => {
    const withPayload = (payload: object) => outboxEntrySchema.safeParse({ ...sale, payload: { ...sale.payload, ...payload } });
    expect(withPayload({ tenders: [] }).success).toBe(false);
    expect(withPayload({ tenders: [], totalFen: 0, lines: [{ name: '赠品', amountFen: 0 }] }).success).toBe(true);
    expect(withPayload({ tenders: [], totalFen: 0, lines: [] }).success).toBe(false);
  });
});

describe('batch schemas', () => {
  it('bounds the batch size', () => {
    expect(batchRequestSchema.safeParse({ terminalId: 'T01', entries: [] }).success).toBe(false);
    const many = Array.from({ length: MAX_BATCH_ENTRIES + 1 }, (_, i) => sampleSale({ seq: i + 1 }));
    expect(batchRequestSchema.safeParse({ terminalId: 'T01', entries: many }).success).toBe(false);
    expect(batchRequestSchema.safeParse({ terminalId: 'T01', entries: many.slice(1) }).success).toBe(true);
  });

  it('parses acks, including a rejected entry whose key was unreadable', () => {
    const body = {
      results: [
        { index: 0, idempotencyKey: 'k1', seq: 1, status: 'stored' },
        { index: 1, idempotencyKey: null, seq: null, status: 'rejected', error: 'idempotencyKey: required' },
        { index: 2, idempotencyKey: 'k3', seq: 3, status: 'conflict', conflict: 'seq_reused', error: 'seq taken' },
      ],
    };
    expect(batchResponseSchema.parse(body).results).toHaveLength(3);
    expect(batchResponseSchema.safeParse({ results: [{ index: 0, idempotencyKey: 'k', seq: 1, status: 'ok' }] }).success).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('is independent of key order and skips undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'é' }, u: undefined })).toBe('{"a":{"c":"é","d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('computeDailyTotals', () => {
  it('sums per store, terminal and tender group, netting refunds and voids', () => {
    const entries = [
      sampleSale({ seq: 1, tenders: [cashTender(1000)] }),
      sampleSale({ seq: 2, tenders: [codeTender('wechat', 2000), cashTender(300), cashTender(200)] }),
      sampleSale({ terminalId: 'T02', seq: 1, tenders: [codeTender('alipay', 5000)] }),
      sampleSale({ terminalId: 'T02', seq: 2, tenders: [{ kind: 'code', amountFen: 100 }] }),
      sampleRefund({ terminalId: 'T02', seq: 3, saleId: 'x', tenders: [codeTender('alipay', 1500)] }),
      sampleRefund({ seq: 3, saleId: 'T01-1', tenders: [cashTender(1000)], kind: 'void' }),
      // Other day, other store, a voided-at-enqueue sale and a cash movement: not counted.
      sampleSale({ seq: 4, businessDate: '2024-05-02' }),
      sampleSale({ seq: 5, storeId: 'S002' }),
      { ...sampleSale({ seq: 6 }), payload: { ...sampleSale({ seq: 6 }).payload, status: 'voided' } } as ReturnType<typeof sampleSale>,
      outboxEntrySchema.parse({ ...sampleSale({ seq: 7 }), kind: 'cash_movement', payload: { direction: 'in', amountFen: 100 } }),
    ];
    const totals = computeDailyTotals('2024-05-01', 'S001', entries);
    expect(totals.store).toEqual({ salesCount: 4, salesFen: 8600, refundsCount: 1, refundsFen: 1500, voidsCount: 1, voidsFen: 1000, netFen: 6100 });
    expect(totals.byTender.map((t) => [t.tender, t.salesCount, t.salesFen, t.netFen])).toEqual([
      ['alipay', 1, 5000, 3500],
      ['cash', 2, 1500, 500],
      ['code', 1, 100, 100],
      ['wechat', 1, 2000, 2000],
    ]);
    const t01 = totals.byTerminal.find((t) => t.terminalId === 'T01');
    expect(t01).toMatchObject({ salesCount: 2, salesFen: 3500, voidsFen: 1000, netFen: 2500 });
    expect(totals.byTerminal.map((t) => t.terminalId)).toEqual(['T01', 'T02']);
  });

  it('counts one refund given back through two tenders (one entry per part, same refundId) once, its money in full', () => {
    const part = (seq: number, tender: ReturnType<typeof cashTender>, refundId: string) => {
      const e = sampleRefund({ seq, saleId: 'T01-1', tenders: [tender] });
      return { ...e, payload: { ...e.payload, refundId } } as typeof e;
    };
    const entries = [
      sampleSale({ seq: 1, tenders: [cashTender(300), codeTender('wechat', 700)] }),
      part(2, codeTender('wechat', 300), 'R1'),
      part(3, cashTender(200), 'R1'),
      part(4, cashTender(50), 'R2'),
    ];
    const totals = computeDailyTotals('2024-05-01', 'S001', entries);
    expect(totals.store).toMatchObject({ refundsCount: 2, refundsFen: 550, netFen: 450 });
    expect(totals.byTerminal[0]).toMatchObject({ refundsCount: 2, refundsFen: 550 });
    expect(totals.byTender.map((t) => [t.tender, t.refundsCount, t.refundsFen])).toEqual([
      ['cash', 2, 250],
      ['wechat', 1, 300],
    ]);
  });

  it('counts a sale with nothing to pay (no tender) as a sale of its store and terminal, in no tender group', () => {
    const free = sampleSale({ seq: 1, tenders: [] });
    const totals = computeDailyTotals('2024-05-01', 'S001', [free, sampleSale({ seq: 2, tenders: [cashTender(500)] })]);
    expect(totals.store).toMatchObject({ salesCount: 2, salesFen: 500 });
    expect(totals.byTender.map((t) => [t.tender, t.salesCount])).toEqual([['cash', 1]]);
    expect(totals.byTerminal[0]).toMatchObject({ terminalId: 'T01', salesCount: 2, salesFen: 500 });
  });

  it('counts records made in training mode apart, in no store, tender or terminal figure', () => {
    const practice = sampleSale({ seq: 1, tenders: [cashTender(700)] });
    const practiceRefund = sampleRefund({ seq: 2, saleId: 'T01-1', tenders: [cashTender(200)] });
    const entries = [
      outboxEntrySchema.parse({ ...practice, payload: { ...practice.payload, training: true } }),
      outboxEntrySchema.parse({ ...practiceRefund, payload: { ...practiceRefund.payload, training: true } }),
      sampleSale({ seq: 3, tenders: [codeTender('wechat', 500)] }),
    ];
    const totals = computeDailyTotals('2024-05-01', 'S001', entries);
    expect(totals.store).toMatchObject({ salesCount: 1, salesFen: 500, refundsCount: 0, netFen: 500 });
    expect(totals.byTender.map((t) => t.tender)).toEqual(['wechat']);
    expect(totals.byTerminal).toEqual([expect.objectContaining({ terminalId: 'T01', salesCount: 1, netFen: 500 })]);
    expect(totals.training).toEqual({ salesCount: 1, salesFen: 700, refundsCount: 1, refundsFen: 200, voidsCount: 0, voidsFen: 0, netFen: 500 });
    expect(dailyTotalsSchema.parse(totals)).toEqual(totals);
    // Anything but a boolean there is refused, not guessed.
    expect(outboxEntrySchema.safeParse({ ...practice, payload: { ...practice.payload, training: 'yes' } }).success).toBe(false);
  });

  it('returns zeros for a day without entries', () => {
    const totals = computeDailyTotals('2024-05-01', 'S001', []);
    expect(totals.store.netFen).toBe(0);
    expect(totals).not.toHaveProperty('training');
    expect(totals.byTerminal).toEqual([]);
  });
});
