import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type PosApi } from '../../shared/api/client';
import { type SaleView } from '../../shared/sales/views';

// The app store reads the stored language at import time: a minimal localStorage/document for node.
vi.hoisted(() => {
  const mem = new Map<string, string>();
  vi.stubGlobal('localStorage', { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) });
  vi.stubGlobal('document', { documentElement: { lang: 'zh-CN' } });
});
const { useApp } = await import('./app');
const { findSale, useSales } = await import('./sales');

const sale = (over: Partial<SaleView> = {}): SaleView => ({
  id: 'old1', receiptNo: 'T01-20261120-0007', businessDate: '2026-11-20', terminalId: 'T01', cashierId: 'u1', status: 'paid',
  lines: [], tenders: [], subtotalFen: 300, discountFen: 0, totalFen: 300, paidFen: 300, dueFen: 0, refundedFen: 0,
  activeAttempt: null, createdAt: '2026-11-20T01:00:00.000Z', completedAt: '2026-11-20T01:01:00.000Z', voidedAt: null, training: false, ...over,
});

function host(handlers: Record<string, (input: unknown) => unknown>): void {
  const api: PosApi = {
    call: (async (method: string, input?: unknown) => {
      const h = handlers[method];
      return h ? await h(input) : { ok: false, error: { code: 'UNKNOWN_METHOD', message: method } };
    }) as PosApi['call'],
    on: () => () => undefined,
  };
  useApp.setState({ api });
}

beforeEach(() => useSales.setState({ sales: [], selectedId: null, found: null, findError: null }));

describe('finding a sale by its receipt number', () => {
  it('selects a sale of another day without putting it on today\'s list, and keeps it up to date there', async () => {
    host({ 'sale.find': () => ({ ok: true, value: sale() }), 'sale.get': () => ({ ok: true, value: sale({ status: 'partly_refunded', refundedFen: 100 }) }), 'refund.list': () => ({ ok: true, value: [] }) });
    expect(await findSale('t01-20261120-0007')).toBe(true);
    expect(useSales.getState()).toMatchObject({ selectedId: 'old1', sales: [], found: { id: 'old1', status: 'partly_refunded' }, findError: null });
  });

  it('shows why nothing was found and leaves the selection alone', async () => {
    host({ 'sale.find': () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'no sale with receipt number X' } }) });
    useSales.setState({ selectedId: 'today1' });
    expect(await findSale('X')).toBe(false);
    expect(useSales.getState()).toMatchObject({ selectedId: 'today1', findError: { code: 'NOT_FOUND' } });
  });
});
