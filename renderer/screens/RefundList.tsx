import { useState } from 'react';
import { type RefundView } from '../../shared/sales/views';
import { type UserSummary } from '../../shared/api/session';
import { retryRefund, useSales } from '../stores/sales';
import { canRetryRefund, refundFailure } from '../stores/sales-logic';
import { useT } from '../i18n/useT';
import { fill } from '../i18n/messages-sales';
import { formatFen } from '../format';
import { ApiErrorLine, refundLabel, timeOf } from '../components/SaleBits';
import { PrintButtons } from '../components/PrintButtons';
import { isUnclearFailure } from '../../shared/payments/advice';
import { ManagerApprovalFields, useManagerApproval } from '../components/ManagerApproval';

const sumFen = (parts: RefundView['parts'], keep: (p: RefundView['parts'][number]) => boolean): number => parts.filter(keep).reduce((sum, p) => sum + p.amountFen, 0);

/**
 * The refund just asked for (or retried), followed until the host says it is done or failed (and why). A
 * refund split over cash and a code is told part by part: the cash is handed over as soon as its part is
 * done (the drawer opened then), while the code part may still be on its way or have failed; the amounts
 * said are those parts', never the whole refund's.
 */
export function RefundProgress({ refund }: { refund: RefundView }) {
  const t = useT();
  const failure = refundFailure(refund);
  const shown =
    refund.state === 'failed'
      ? sumFen(refund.parts, (p) => p.state === 'failed')
      : refund.state === 'pending'
        ? sumFen(refund.parts, (p) => p.state !== 'succeeded' && p.state !== 'failed')
        : refund.amountFen;
  const cashFen = sumFen(refund.parts, (p) => p.kind === 'cash' && p.state === 'succeeded');
  const phase = refund.state === 'succeeded' ? 'phase-paid' : refund.state === 'failed' ? 'phase-failed' : 'phase-pending';
  return (
    <div className={`banner ${phase}`} data-testid="refund-progress" data-refund-id={refund.id} data-state={refund.state} role="status">
      <strong>{fill(t(`sales.progress.${refund.state}`), { amount: formatFen(shown) })}</strong>
      {failure && <small data-testid="refund-failure">{failure}</small>}
      {cashFen > 0 && <span data-testid="refund-cash-back">{fill(t('sales.progress.cashBack'), { amount: formatFen(cashFen) })}</span>}
    </div>
  );
}

/**
 * "Retry refund" for a refund a channel refused: what is sent again (its failed parts, with their own
 * refund numbers, so nothing is refunded twice), a manager's approval as for the refund itself, then
 * `refund.retry`; its progress shows like a new refund's, a refusal by the host stays beside the button.
 */
function RetryRefund({ refund, managers }: { refund: RefundView; managers: readonly UserSummary[] }) {
  const t = useT();
  const approval = useManagerApproval(managers);
  const busy = useSales((s) => s.busy);
  const error = useSales((s) => (s.retryError?.refundId === refund.id ? s.retryError.error : null));
  const [open, setOpen] = useState(false);
  const ready = approval.approved && !busy;
  const failedFen = refund.parts.filter((p) => p.state === 'failed').reduce((sum, p) => sum + p.amountFen, 0);
  // A channel's error passed on as a refusal (an aggregator): the money may have gone back all the same.
  const unclear = refund.parts.some((p) => p.state === 'failed' && isUnclearFailure(p.reason));

  const submit = async (): Promise<void> => {
    if (!ready) return;
    const done = await retryRefund(refund.id, approval.authorize);
    approval.setPin('');
    if (done) setOpen(false);
  };

  return (
    <>
      {!open ? (
        <span className="row">
          <button type="button" data-testid="refund-retry" disabled={busy} onClick={() => setOpen(true)}>
            {t('sales.retry.open')}
          </button>
        </span>
      ) : (
        <form
          className="retry"
          data-testid="retry-box"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <span className="hint wide">{fill(t('sales.retry.text'), { amount: formatFen(failedFen) })}</span>
          {unclear && (
            <span className="error wide" role="alert" data-testid="retry-unclear">
              {t('sales.retry.unclear')}
            </span>
          )}
          <ManagerApprovalFields approval={approval} managers={managers} testPrefix="retry" needsText="sales.retry.needsManager" />
          <button type="submit" className="primary" data-testid="retry-confirm" disabled={!ready}>
            {busy ? t('sales.retry.sending') : t('sales.retry.confirm')}
          </button>
          <button type="button" data-testid="retry-back" disabled={busy} onClick={() => setOpen(false)}>
            {t('sales.retry.back')}
          </button>
        </form>
      )}
      <ApiErrorLine error={error} testId="retry-error" />
    </>
  );
}

/** A sale's refunds, and what a void gave back; a failed one can be retried, a done refund printed. */
export function RefundList({ refunds, managers }: { refunds: RefundView[]; managers: readonly UserSummary[] }) {
  const t = useT();
  if (refunds.length === 0) return <p className="hint left">{t('sales.refunds.none')}</p>;
  return (
    <ul className="refunds" data-testid="refund-list">
      {refunds.map((r) => {
        const failure = refundFailure(r);
        // A refund split over tenders: what has gone back already while another part failed or is on its way.
        const landed = r.state === 'succeeded' ? 0 : sumFen(r.parts, (p) => p.state === 'succeeded');
        return (
          <li key={r.id} data-testid="refund-row" data-refund-id={r.id} data-purpose={r.purpose} data-state={r.state}>
            <span>
              <b>{r.purpose === 'void' ? t('sales.refunds.voidLabel') : refundLabel(refunds, r)}</b> · {formatFen(r.amountFen)} ·{' '}
              <span data-testid="refund-state">{t(`sales.refund.state.${r.state}`)}</span>
              {landed > 0 ? ` (${fill(t('sales.refunds.partLanded'), { amount: formatFen(landed) })})` : ''} · {timeOf(r.createdAt)}
              {r.reason ? ` · ${r.reason}` : ''}
              {failure ? ` · ${failure}` : ''}
            </span>
            {/* Voids print nothing: only a refund has its own receipt. */}
            {r.state === 'succeeded' && r.purpose === 'refund' && <PrintButtons target={{ refundId: r.id }} testPrefix="refund" printLabel="sales.receipt.printRefund" />}
            {canRetryRefund(r) && <RetryRefund refund={r} managers={managers} />}
          </li>
        );
      })}
    </ul>
  );
}
