import { Fragment } from 'react';
import { type SaleView } from '../../shared/sales/views';
import { type UserSummary } from '../../shared/api/session';
import { useSales } from '../stores/sales';
import { useApp } from '../stores/app';
import { canRefund, canVoid, inOtherMode, refundableFen } from '../stores/sales-logic';
import { useT } from '../i18n/useT';
import { formatFen } from '../format';
import { ApiErrorLine, SaleStatusBadge, TrainingBadge, tenderText, timeOf } from '../components/SaleBits';
import { PrintButtons } from '../components/PrintButtons';
import { VoidSale, VoidedBanner } from '../components/VoidSale';
import { RefundForm } from './RefundForm';
import { RefundList, RefundProgress } from './RefundList';

/** A sale's own receipt exists once it was paid (refunds later do not take it away). */
const hasReceipt = (sale: SaleView): boolean => sale.completedAt !== null && ['paid', 'partly_refunded', 'refunded'].includes(sale.status);

/**
 * One sale: its lines, tenders (with what each gave back), refunds so far (a failed one can be retried),
 * what is still refundable, the refund form and the receipt buttons; for a sale never completed, "Void
 * sale"; for a voided one, what went back.
 */
export function SaleDetail({ sale, managers }: { sale: SaleView; managers: UserSummary[] }) {
  const t = useT();
  const refunds = useSales((s) => s.refunds);
  const refundsLoaded = useSales((s) => s.refundsFor === sale.id);
  const activeRefundId = useSales((s) => s.activeRefundId);
  const printError = useSales((s) => s.printError);
  const justVoided = useSales((s) => s.justVoidedId === sale.id);
  const active = refunds.find((r) => r.id === activeRefundId) ?? null;
  const refundable = refundableFen(sale, refunds);
  const otherMode = inOtherMode(sale, useApp((s) => s.info?.mode));
  const totals: [string, 'sales.detail.total' | 'sales.detail.paid' | 'sales.detail.refunded' | 'sales.detail.refundable', number][] = [
    ['total', 'sales.detail.total', sale.totalFen],
    ['paid', 'sales.detail.paid', sale.paidFen],
    ['refunded', 'sales.detail.refunded', sale.refundedFen],
    ['refundable', 'sales.detail.refundable', refundable],
  ];
  return (
    <section className="sale-detail" data-testid="sale-detail" data-sale-id={sale.id}>
      <h2>
        <span data-testid="detail-receipt-no">{sale.receiptNo}</span> <SaleStatusBadge status={sale.status} /> <TrainingBadge training={sale.training} />
      </h2>
      <p className="hint left">{timeOf(sale.completedAt ?? sale.createdAt)}</p>
      {sale.status === 'voided' && <VoidedBanner sale={sale} handBack={justVoided} />}
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
      {refundsLoaded && <RefundList refunds={refunds} managers={managers} />}
      {active && <RefundProgress refund={active} />}

      {!refundsLoaded ? null : !canRefund(sale) ? (
        <p className="hint left" data-testid="refund-unavailable">
          {t(sale.status === 'refunded' ? 'sales.refund.nothingLeft' : sale.status === 'voided' ? 'sales.refund.voided' : 'sales.refund.notRefundable')}
        </p>
      ) : otherMode ? (
        <p className="hint left" data-testid="refund-unavailable">
          {t(sale.training ? 'sales.refund.trainingSale' : 'sales.refund.liveSale')}
        </p>
      ) : refundable <= 0 ? (
        <p className="hint left" data-testid="refund-unavailable">
          {t('sales.refund.nothingLeft')}
        </p>
      ) : (
        <RefundForm key={sale.id} sale={sale} refunds={refunds} refundable={refundable} managers={managers} />
      )}
      {canVoid(sale) && <VoidSale key={sale.id} sale={sale} managers={managers} />}
    </section>
  );
}
