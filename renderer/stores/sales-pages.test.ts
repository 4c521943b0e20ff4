import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type PosApi } from '../../shared/api/client';
import { type SaleView } from '../../shared/sales/views';
import { SALES_PAGE, withFirstPage, withNextPage } from './sales-logic';

// The app store reads the stored language at import time: a minimal localStorage/document for node.
vi.hoisted(() => {
  const mem = new Map<string, string>();
  vi.stubGlobal('localStorage', { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) });
  vi.stubGlobal('document', { documentElement: { lang: 'zh-CN' } });
});
const { useApp } = await import('./app');
const { loadMoreSales, refreshSales, useSales } = await import('./sales');

/** Sale n of the day: a higher n was opened later (the host lists newest first). */
const sale = (n: number, over: Partial<SaleView> = {}): SaleView => ({
  id: `s${String(n).padStart(4, '0')}`, receiptNo: `T01-20261127-${String(n).padStart(4, '0')}`, businessDate: '2026-11-27', terminalId: 'T01', cashierId: 'u1', status: 'paid',
  lines: [], tenders: [], subtotalFen: 100, discountFen: 0, totalFen: 100, paidFen: 100, dueFen: 0, refundedFen: 0, activeAttempt: null,
  createdAt: new Date(Date.UTC(2026, 10, 27, 1, 0, n)).toISOString(), completedAt: null, voidedAt: null, training: false, ...over,
});
/** The host's list: sales 1..count, newest first, a page at a time after `before`. */
const day = (count: number): SaleView[] => Array.from({ length: count }, (_, i) => sale(count - i));
function page(all: SaleView[], input: unknown): SaleView[] {
  const { limit, before } = input as { limit: number; before?: { createdAt: string; id: string } };
  const from = before ? all.findIndex((s) => s.id === before.id) + 1 : 0;
  return all.slice(from, from + limit);
}

const asked: unknown[] = [];
function host(list: () => SaleView[] | 'fail'): void {
  const api: PosApi = {
    call: (async (method: string, input?: unknown) => {
      if (method !== 'sale.list') return { ok: false, error: { code: 'UNKNOWN_METHOD', message: method } };
      asked.push(input);
      const all = list();
      return all === 'fail' ? { ok: false, error: { code: 'INTERNAL', message: 'disk gone' } } : { ok: true, value: page(all, input) };
    }) as PosApi['call'],
    on: () => () => undefined,
  };
  useApp.setState({ api });
}

beforeEach(() => {
  asked.length = 0;
  useSales.setState({ sales: [], loaded: false, more: false, loadingMore: false, listError: null });
});

describe('the sales list, a page at a time', () => {
  it('a quiet day is one page with nothing more to load', async () => {
    host(() => day(5));
    await refreshSales();
    expect(useSales.getState()).toMatchObject({ loaded: true, more: false });
    expect(useSales.getState().sales.map((s) => s.id)).toEqual(['s0005', 's0004', 's0003', 's0002', 's0001']);
  });

  it('a busy day loads older pages after the last sale shown, and a refresh keeps them', async () => {
    let all = day(SALES_PAGE * 2 + 5);
    host(() => all);
    await refreshSales();
    expect(useSales.getState()).toMatchObject({ more: true });
    expect(useSales.getState().sales).toHaveLength(SALES_PAGE);
    await loadMoreSales();
    expect(asked.at(-1)).toEqual({ limit: SALES_PAGE, before: { createdAt: all[SALES_PAGE - 1]?.createdAt, id: all[SALES_PAGE - 1]?.id } });
    await loadMoreSales();
    expect(useSales.getState()).toMatchObject({ more: false });
    expect(useSales.getState().sales.map((s) => s.id)).toEqual(all.map((s) => s.id));
    await loadMoreSales(); // nothing more: not asked again
    expect(asked).toHaveLength(3);
    // A new sale, then a refresh: the newest page is reloaded and every older sale shown stays, once.
    all = day(SALES_PAGE * 2 + 6);
    await refreshSales();
    expect(useSales.getState().sales.map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(useSales.getState().more).toBe(false);
  });

  it('a failed page says why and keeps what is shown; asking again works', async () => {
    const all = day(SALES_PAGE + 1);
    let fail = false;
    host(() => (fail ? 'fail' : all));
    await refreshSales();
    fail = true;
    await loadMoreSales();
    expect(useSales.getState()).toMatchObject({ more: true, loadingMore: false, listError: { code: 'INTERNAL' } });
    expect(useSales.getState().sales).toHaveLength(SALES_PAGE);
    fail = false;
    await loadMoreSales();
    expect(useSales.getState()).toMatchObject({ more: false, listError: null });
    expect(useSales.getState().sales).toHaveLength(SALES_PAGE + 1);
  });
});

describe('page merging', () => {
  it('after many new sales the older pages shown go rather than leave a gap; the next page is asked for again', () => {
    const before = day(150); // the whole day, shown
    const after = day(150 + 260);
    const merged = withFirstPage(before, after.slice(0, SALES_PAGE), false);
    expect(merged.sales.map((s) => s.id)).toEqual(after.slice(0, SALES_PAGE).map((s) => s.id));
    expect(merged.more).toBe(true);
  });

  it('a page asked for before a refresh changed the end of the list is dropped, not appended', async () => {
    let all = day(SALES_PAGE + 5);
    let release: () => void = () => undefined;
    const api: PosApi = {
      call: (async (_method: string, input?: unknown) => {
        const value = page(all, input);
        if ((input as { before?: unknown }).before) await new Promise<void>((r) => (release = r));
        return { ok: true, value };
      }) as PosApi['call'],
      on: () => () => undefined,
    };
    useApp.setState({ api });
    await refreshSales();
    const loading = loadMoreSales();
    all = [sale(999, { id: 'new1', createdAt: '2026-11-28T00:00:01.000Z' })]; // past midnight: a new day
    await refreshSales();
    release();
    await loading;
    expect(useSales.getState()).toMatchObject({ more: false, loadingMore: false });
    expect(useSales.getState().sales.map((s) => s.id)).toEqual(['new1']);
  });

  it('after midnight the short first page is the whole list: yesterday\'s older pages go', () => {
    const shown = day(SALES_PAGE + 3);
    expect(withFirstPage(shown, [sale(1, { id: 'new1' })], true)).toEqual({ sales: [sale(1, { id: 'new1' })], more: false });
  });

  it('sales opened in the same millisecond are told apart by id, never dropped or doubled', () => {
    const at = '2026-11-27T01:00:00.000Z';
    const first = Array.from({ length: SALES_PAGE }, (_, i) => sale(0, { id: `b${String(SALES_PAGE - i).padStart(4, '0')}`, createdAt: at }));
    const older = [sale(0, { id: 'a0002', createdAt: at }), sale(0, { id: 'a0001', createdAt: at })];
    const next = withNextPage(first, [first[SALES_PAGE - 1] as SaleView, ...older]);
    expect(next.sales).toHaveLength(SALES_PAGE + 2);
    expect(withFirstPage(next.sales, first, next.more).sales.map((s) => s.id)).toEqual(next.sales.map((s) => s.id));
  });
});

describe('keeping the list up to date', () => {
  it('a change to a listed sale reloads that sale only; a sale not listed yet reloads the newest page', async () => {
    const all = day(3);
    const calls: string[] = [];
    const handlers = new Map<string, (p: unknown) => void>();
    const api: PosApi = {
      call: (async (method: string, input?: unknown) => {
        calls.push(method);
        if (method === 'sale.list') return { ok: true, value: page(all, input) };
        if (method === 'sale.get') return { ok: true, value: { ...(all.find((s) => s.id === (input as { saleId: string }).saleId) as SaleView), status: 'refunded' } };
        return { ok: true, value: [] };
      }) as PosApi['call'],
      on: ((event: string, fn: (p: unknown) => void) => {
        handlers.set(event, fn);
        return () => handlers.delete(event);
      }) as PosApi['on'],
    };
    useApp.setState({ api });
    const { connectSales } = await import('./sales');
    const off = connectSales();
    await vi.waitFor(() => expect(useSales.getState().loaded).toBe(true));
    calls.length = 0;
    handlers.get('sale.changed')?.({ saleId: 's0002', status: 'refunded', dueFen: 0 });
    await vi.waitFor(() => expect(useSales.getState().sales.find((s) => s.id === 's0002')?.status).toBe('refunded'));
    expect(calls).toEqual(['sale.get']); // not selected: its refunds are not asked for either
    calls.length = 0;
    all.unshift(sale(4));
    handlers.get('sale.changed')?.({ saleId: 's0004', status: 'open', dueFen: 100 });
    await vi.waitFor(() => expect(useSales.getState().sales.map((s) => s.id)).toEqual(['s0004', 's0003', 's0002', 's0001']));
    expect(calls).toEqual(['sale.list']);
    off();
  });
});
