import { useEffect, useState } from 'react';
import { type SaleView } from '../../shared/sales/views';
import { useApp } from '../stores/app';
import { useDevices } from '../stores/devices';
import { connectSales, findSale, loadMoreSales, refreshSales, selectSale, useSales } from '../stores/sales';
import { listedSales } from '../stores/sales-logic';
import { useT } from '../i18n/useT';
import { formatFen } from '../format';
import { ReceiptPreview } from '../components/ReceiptPreview';
import { ApiErrorLine, SaleStatusBadge, TrainingBadge, refundLabel, tenderText, timeOf } from '../components/SaleBits';
import { useManagers } from '../components/ManagerApproval';
import { SaleDetail } from './SaleDetail';
import { ReconcilePanel } from './ReconcilePanel';
import { DayTotals } from './DayTotals';

function SalesTable({ sales, selectedId }: { sales: SaleView[]; selectedId: string | null }) {
  const t = useT();
  return (
    <table className="scans sales-list" data-testid="sales-list">
      <thead>
        <tr>
          <th>{t('sales.col.receiptNo')}</th>
          <th>{t('sales.col.time')}</th>
          <th className="num">{t('sales.col.total')}</th>
          <th>{t('sales.col.status')}</th>
          <th>{t('sales.col.tenders')}</th>
        </tr>
      </thead>
      <tbody>
        {sales.map((s) => (
          <tr
            key={s.id}
            data-testid="sale-row"
            data-sale-id={s.id}
            data-receipt-no={s.receiptNo}
            className={s.id === selectedId ? 'selected' : ''}
            aria-selected={s.id === selectedId}
            tabIndex={0}
            onClick={() => void selectSale(s.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                void selectSale(s.id);
              }
            }}
          >
            <td data-testid="sale-receipt-no">{s.receiptNo}</td>
            <td>{timeOf(s.completedAt ?? s.createdAt)}</td>
            <td className="num" data-testid="sale-total">
              {formatFen(s.totalFen)}
            </td>
            <td>
              <SaleStatusBadge status={s.status} /> <TrainingBadge training={s.training} />
            </td>
            <td data-testid="sale-tenders">{s.tenders.map((tn) => tenderText(t, tn)).join(' + ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A busy day has more sales than one page: the older ones come on request, after those shown. */
function MoreSales() {
  const t = useT();
  const more = useSales((s) => s.more);
  const loadingMore = useSales((s) => s.loadingMore);
  const shown = listedSales(useSales((s) => s.sales)).length;
  if (!more) return null;
  return (
    <p className="row">
      <button type="button" data-testid="sales-more" disabled={loadingMore} onClick={() => void loadMoreSales()}>
        {loadingMore ? t('sales.loading') : t('sales.more')}
      </button>
      <span className="hint left" data-testid="sales-shown">
        {t('sales.shown').replace('{n}', String(shown))}
      </span>
    </p>
  );
}

/** A sale of any day by the number on its receipt: a customer back with a receipt from another day. */
function FindSale() {
  const t = useT();
  const findError = useSales((s) => s.findError);
  const [receiptNo, setReceiptNo] = useState('');
  return (
    <form
      className="entry"
      onSubmit={(e) => {
        e.preventDefault();
        if (receiptNo.trim() !== '') void findSale(receiptNo).then((ok) => ok && setReceiptNo(''));
      }}
    >
      <label htmlFor="sale-find-input">{t('sales.find.label')}</label>
      <input id="sale-find-input" data-testid="sale-find-input" autoComplete="off" maxLength={70} placeholder="T01-20261125-0001" value={receiptNo} onChange={(e) => setReceiptNo(e.target.value)} />
      <button type="submit" data-testid="sale-find" disabled={receiptNo.trim() === ''}>
        {t('sales.find.submit')}
      </button>
      <ApiErrorLine error={findError} testId="sale-find-error" />
    </form>
  );
}

/** The receipt printed last from this screen, as it came out (or is queued to), beside the sale. */
function ReceiptPanel() {
  const t = useT();
  const preview = useSales((s) => s.preview);
  const refunds = useSales((s) => s.refunds);
  const sales = useSales((s) => s.sales);
  const paperWidth = useDevices((s) => s.settings.paperWidth);
  if (!preview) return null;
  const { target, copy, result } = preview;
  const refund = 'refundId' in target ? refunds.find((r) => r.id === target.refundId) : undefined;
  const name =
    'refundId' in target
      ? `${t('sales.receipt.ofRefund')} ${result.job.receiptNo ?? (refund ? refundLabel(refunds, refund) : '')}`
      : `${t('sales.receipt.ofSale')} ${result.job.receiptNo ?? sales.find((s) => s.id === target.saleId)?.receiptNo ?? ''}`;
  return (
    <aside className="receipt-panel" data-testid="receipt-panel" data-kind={'refundId' in target ? 'refund' : 'sale'} data-copy={copy}>
      <h3>{t('sales.receipt.preview')}</h3>
      <p data-testid="receipt-title">
        {name}
        {copy && result.job.copyNumber !== null ? ` · ${t('sales.receipt.copy')} ${result.job.copyNumber}` : ''}
      </p>
      <p className="hint left" data-testid="receipt-job-state" data-state={result.job.state}>
        {t(`print.state.${result.job.state}`)}
        {result.job.reason ? ` · ${result.job.reason}` : ''}
      </p>
      <ReceiptPreview lines={result.preview} paperWidth={paperWidth} />
    </aside>
  );
}

/**
 * The Sales tab: today's sales on this terminal; pick one to see its lines, tenders and refunds, give money
 * back, retry a refund a channel refused, or void a sale never completed (a manager approves each: their
 * session, or their PIN at a cashier's till), and print or reprint the sale's and each refund's receipt
 * with the preview beside.
 */
export function Sales() {
  const t = useT();
  const api = useApp((s) => s.api);
  const isManager = useApp((s) => s.session?.user.role === 'manager');
  const all = useSales((s) => s.sales);
  const loaded = useSales((s) => s.loaded);
  const selectedId = useSales((s) => s.selectedId);
  const listError = useSales((s) => s.listError);
  const managers = useManagers();

  useEffect(() => (api ? connectSales() : undefined), [api]);

  const sales = listedSales(all);
  const found = useSales((s) => s.found);
  const selected = all.find((s) => s.id === selectedId) ?? (found !== null && found.id === selectedId ? found : null);

  return (
    <main className="sales" data-testid="sales-screen">
      <section className="sales-list-pane">
        <div className="row heading">
          <h1>{t('sales.title')}</h1>
          <button type="button" data-testid="sales-refresh" onClick={() => void refreshSales()}>
            {t('sales.refresh')}
          </button>
        </div>
        <FindSale />
        <ApiErrorLine error={listError} testId="sales-error" />
        {!loaded ? (
          <p className="hint left">{t('sales.loading')}</p>
        ) : sales.length === 0 ? (
          <p className="hint left" data-testid="sales-empty">
            {t('sales.empty')}
          </p>
        ) : (
          <SalesTable sales={sales} selectedId={selectedId} />
        )}
        {loaded && <MoreSales />}
        <p className="hint left">{t('sales.hint')}</p>
        {isManager && <DayTotals />}
        {isManager && <ReconcilePanel />}
      </section>
      {selected ? (
        <SaleDetail sale={selected} managers={managers} />
      ) : (
        <p className="hint sale-detail" data-testid="sales-select">
          {t('sales.select')}
        </p>
      )}
      <ReceiptPanel />
    </main>
  );
}
