import { Fragment } from 'react';
import { type RefundView, type SaleView } from '../../shared/sales/views';
import { type UserSummary } from '../../shared/api/session';
import { printReceipt, useSales } from '../stores/sales';
import { canRefund, refundableFen, refundFailure } from '../stores/sales-logic';
import { useT } from '../i18n/useT';
import { fill } from '../i18n/messages-sales';
import { formatFen } from '../format';
import { ApiErrorLine, SaleStatusBadge, refundLabel, tenderText, timeOf } from '../components/SaleBits';
import { RefundForm } from './RefundForm';

/** A sale's own receipt exists once it was paid (refunds later do not take it away). */
const hasReceipt = (sale: SaleView): boolean => sale.completedAt !== null && ['paid', 'partly_refunded', 'refunded'].includes(sale.status);

function PrintButtons({ target, testPrefix, printLabel }: { target: { saleId: string } | { refundId: string }; testPrefix: string; printLabel: 'sales.receipt.print' | 'sales.receipt.printRefund' }) {
  const t = useT();
  const busy = useSales((s) => s.busy);
  return (
    <span className="row">
      <button type="button" data-testid={`${testPrefix}-print`} disabled={busy} onClick={() => void printReceipt(target, false)}>
        {t(printLabel)}
      </button>
      <button type="button" data-testid={`${testPrefix}-reprint`} disabled={busy} onClick={() => void printReceipt(target, true)}>
        {t('sales.receipt.reprint')}
      </button>
    </span>
  );
}

/** The refund just asked for, followed until the host says it is done or failed (and why). */
function RefundProgress({ refund }: { refund: RefundView }) {
  const t = useT();
  const amount = formatFen(refund.amountFen);
  const failure = refundFailure(refund);
  const cashBack = refund.state === 'succeeded' && refund.parts.some((p) => p.kind === 'cash');
  const phase = refund.state === 'succeeded' ? 'phase-paid' : refund.state === 'failed' ? 'phase-failed' : 'phase-pending';
  return (
    <div className={`banner ${phase}`} data-testid="refund-progress" data-state={refund.state} role="status">
      <strong>{fill(t(`sales.progress.${refund.state}`), { amount })}</strong>
      {failure && <small data-testid="refund-failure">{failure}</small>}
      {cashBack && <span>{t('sales.progress.cashBack')}</span>}
    </div>
  );
}

function RefundList({ refunds }: { refunds: RefundView[] }) {
  const t = useT();
  const own = refunds.filter((r) => r.purpose === 'refund');
  if (own.length === 0) return <p className="hint left">{t('sales.refunds.none')}</p>;
  return (
    <ul className="refunds" data-testid="refund-list">
      {own.map((r) => (
        <li key={r.id} data-testid="refund-row" data-refund-id={r.id} data-state={r.state}>
          <span>
            <b>{refundLabel(refunds, r)}</b> · {formatFen(r.amountFen)} · <span data-testid="refund-state">{t(`sales.refund.state.${r.state}`)}</span> · {timeOf(r.createdAt)}
            {r.reason ? ` · ${r.reason}` : ''}
            {refundFailure(r) ? ` · ${refundFailure(r) ?? ''}` : ''}
          </span>
          {r.state === 'succeeded' && <PrintButtons target={{ refundId: r.id }} testPrefix="refund" printLabel="sales.receipt.printRefund" />}
        </li>
      ))}
    </ul>
  );
}

/**
 * One sale: its lines, tenders (with what each gave back), refunds so far, what is still refundable, the
 * refund form and the receipt buttons.
 */
export function SaleDetail({ sale, managers }: { sale: SaleView; managers: UserSummary[] }) {
  const t = useT();
  const refunds = useSales((s) => s.refunds);
  const refundsLoaded = useSales((s) => s.refundsFor === sale.id);
  const activeRefundId = useSales((s) => s.activeRefundId);
  const printError = useSales((s) => s.printError);
  const active = refunds.find((r) => r.id === activeRefundId) ?? null;
  const refundable = refundableFen(sale, refunds);
  const totals: [string, 'sales.detail.total' | 'sales.detail.paid' | 'sales.detail.refunded' | 'sales.detail.refundable', number][] = [
    ['total', 'sales.detail.total', sale.totalFen],
    ['paid', 'sales.detail.paid', sale.paidFen],
    ['refunded', 'sales.detail.refunded', sale.refundedFen],
    ['refundable', 'sales.detail.refundable', refundable],
  ];
  return (
    <section className="sale-detail" data-testid="sale-detail" data-sale-id={sale.id}>
      <h2>
        <span data-testid="detail-receipt-no">{sale.receiptNo}</span> <SaleStatusBadge status={sale.status} />
      </h2>
      <p className="hint left">{timeOf(sale.completedAt ?? sale.createdAt)}</p>
      {hasReceipt(sale) && <PrintButtons target={{ saleId: sale.id }} testPrefix="sale" printLabel="sales.receipt.print" />}
      <ApiErrorLine error={printError} testId="print-error" />

      <h3>{t('sales.detail.lines')}</h3>
      <table className="lines" data-testid="detail-lines">
        <tbody>
          {sale.lines.map((l) => (
            <tr key={l.id}>
              <td>{l.name}</td>
              <td className="qty">×{l.quantity}</td>
              <td className="num">{formatFen(l.totalFen)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{t('sales.detail.tenders')}</h3>
      <ul className="tenders" data-testid="detail-tenders">
        {sale.tenders.map((tn) => (
          <li key={tn.id}>
            {tenderText(t, tn)}
            {tn.changeFen ? ` · ${t('sales.tender.change')} ${formatFen(tn.changeFen)}` : ''}
            {tn.refundedFen > 0 ? ` · ${t('sales.tender.refunded')} ${formatFen(tn.refundedFen)}` : ''}
          </li>
        ))}
      </ul>

      <dl className="totals small" data-testid="detail-totals">
        {totals.map(([id, label, fen]) => (
          <Fragment key={id}>
            <dt>{t(label)}</dt>
            <dd data-testid={`sale-${id}`}>{id === 'refundable' && !refundsLoaded ? '…' : formatFen(fen)}</dd>
          </Fragment>
        ))}
      </dl>

      <h3>{t('sales.refunds.title')}</h3>
      {refundsLoaded && <RefundList refunds={refunds} />}
      {active && <RefundProgress refund={active} />}

      {!refundsLoaded ? null : !canRefund(sale) ? (
        <p className="hint left" data-testid="refund-unavailable">
          {t(sale.status === 'refunded' ? 'sales.refund.nothingLeft' : 'sales.refund.notRefundable')}
        </p>
      ) : refundable <= 0 ? (
        <p className="hint left" data-testid="refund-unavailable">
          {t('sales.refund.nothingLeft')}
        </p>
      ) : (
        <RefundForm key={`${sale.id}:${refundable}`} sale={sale} refunds={refunds} refundable={refundable} managers={managers} />
      )}
    </section>
  );
}
