import { useState } from 'react';
import { type ApiError } from '../../shared/api/result';
import { type UserSummary } from '../../shared/api/session';
import { type SaleView } from '../../shared/sales/views';
import { voidSale } from '../stores/void';
import { voidGivesBack, voidedMoney } from '../stores/sales-logic';
import { useT } from '../i18n/useT';
import { fill } from '../i18n/messages-sales';
import { formatFen } from '../format';
import { ApiErrorLine, tenderText, timeOf } from './SaleBits';
import { ManagerApprovalFields, useManagerApproval } from './ManagerApproval';
import { ConfirmButtons } from './ConfirmButtons';

/**
 * "Void sale" for a sale that was never completed (checkout's current sale, or one picked on the Sales
 * screen): a reason, a manager's approval (their session, or their PIN at a cashier's till), then a
 * confirm step saying what goes back (part payments: cash over the counter, codes back to the
 * customer's account). A refusal from the host stays on screen with its code and words.
 * Mount it with `key={sale.id}`: another sale starts with an empty form.
 */
export function VoidSale({ sale, managers }: { sale: SaleView; managers: readonly UserSummary[] }) {
  const t = useT();
  const approval = useManagerApproval(managers);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const ready = reason.trim() !== '' && approval.approved && !busy;
  const back = voidGivesBack(sale);
  const paid = sale.tenders.filter((tn) => tn.amountFen > 0);

  const submit = async (): Promise<void> => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    const r = await voidSale({ saleId: sale.id, reason, ...(approval.authorize ? { authorize: approval.authorize } : {}) });
    setBusy(false);
    approval.setPin('');
    setConfirming(false);
    if (!r.ok) setError(r.error);
  };

  if (!open) {
    return (
      <div className="row void-open">
        <button type="button" className="danger" data-testid="void-open" onClick={() => setOpen(true)}>
          {t('sales.void.open')}
        </button>
      </div>
    );
  }

  return (
    <section className="void-form" data-testid="void-form">
      <h3>{t('sales.void.title')}</h3>
      <form
        className="entry"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) setConfirming(true);
        }}
      >
        <input
          data-testid="void-reason"
          aria-label={t('sales.void.reason')}
          placeholder={t('sales.void.reason')}
          maxLength={200}
          value={reason}
          autoFocus
          onChange={(e) => {
            setReason(e.target.value);
            setConfirming(false);
          }}
        />
        <ManagerApprovalFields approval={approval} managers={managers} testPrefix="void" needsText="sales.void.needsManager" onEdit={() => setError(null)} />
        <button type="submit" data-testid="void-start" disabled={!ready || confirming}>
          {t('sales.void.start')}
        </button>
        <button
          type="button"
          data-testid="void-cancel"
          disabled={busy}
          onClick={() => {
            setOpen(false);
            setConfirming(false);
            setError(null);
          }}
        >
          {t('sales.void.cancel')}
        </button>
      </form>
      {confirming && (
        <div className="banner confirm" data-testid="void-confirm-box">
          <strong>{t('sales.void.confirmTitle')}</strong>
          <span>{fill(t('sales.void.confirmText'), { receiptNo: sale.receiptNo, total: formatFen(sale.totalFen) })}</span>
          {sale.activeAttempt && <span data-testid="void-plan-attempt">{t('sales.void.attemptReversed')}</span>}
          {paid.length === 0 ? (
            !sale.activeAttempt && <span data-testid="void-plan">{t('sales.void.nothingPaid')}</span>
          ) : (
            <>
              <span>{fill(t('sales.void.givesBack'), { amount: formatFen(back.cashFen + back.codeFen) })}</span>
              <ul className="tenders" data-testid="void-plan">
                {paid.map((tn) => (
                  <li key={tn.id}>
                    {tenderText(t, tn)} · {t(tn.kind === 'cash' ? 'sales.void.cashBack' : 'sales.void.codeBack')}
                  </li>
                ))}
              </ul>
            </>
          )}
          <ConfirmButtons
            prefix="void"
            danger
            ready={ready}
            busy={busy}
            labels={{ confirm: 'sales.void.confirm', sending: 'sales.void.sending', back: 'sales.void.back' }}
            onConfirm={() => void submit()}
            onBack={() => setConfirming(false)}
          />
        </div>
      )}
      <ApiErrorLine error={error} testId="void-error" />
    </section>
  );
}

/**
 * A voided sale: when, and what the customer gets back (codes on their way or back). Cash is an
 * instruction right after the void (`handBack`: hand it over from the drawer), a fact in the record later.
 */
export function VoidedBanner({ sale, handBack }: { sale: SaleView; handBack: boolean }) {
  const t = useT();
  const money = voidedMoney(sale);
  return (
    <div className="banner phase-failed" data-testid="sale-voided" role="status">
      <strong>{t('sales.voided.title')}</strong>
      {sale.voidedAt && <small>{fill(t('sales.voided.at'), { time: timeOf(sale.voidedAt) })}</small>}
      {money.cashBackFen > 0 && (
        <span data-testid="voided-cash-back">{fill(t(handBack ? 'sales.voided.cashBack' : 'sales.voided.cashReturned'), { amount: formatFen(money.cashBackFen) })}</span>
      )}
      {money.codeOnItsWayFen > 0 && <span data-testid="voided-code-back">{fill(t('sales.voided.codeOnItsWay'), { amount: formatFen(money.codeOnItsWayFen) })}</span>}
      {money.codeOnItsWayFen === 0 && money.codeBackFen > 0 && <span data-testid="voided-code-back">{fill(t('sales.voided.codeBack'), { amount: formatFen(money.codeBackFen) })}</span>}
    </div>
  );
}
