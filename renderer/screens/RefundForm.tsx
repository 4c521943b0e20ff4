import { useState } from 'react';
import { type RefundView, type SaleView } from '../../shared/sales/views';
import { type UserSummary } from '../../shared/api/session';
import { requestRefund, useSales } from '../stores/sales';
import { checkRefundAmount, defaultRefundText, planRefund } from '../stores/sales-logic';
import { useT } from '../i18n/useT';
import { fill } from '../i18n/messages-sales';
import { formatFen } from '../format';
import { ApiErrorLine, tenderText } from '../components/SaleBits';
import { ManagerApprovalFields, useManagerApproval } from '../components/ManagerApproval';
import { ConfirmButtons } from '../components/ConfirmButtons';
import { isUnclearFailure } from '../../shared/payments/advice';

const newRequestId = (): string => crypto.randomUUID();

/**
 * Refund one sale: the amount (default: everything still refundable), a reason, a manager's approval when
 * a cashier is signed in, then a confirm step showing where the money goes. One request id per filled-in
 * form, so a double submit or a resend after a lost answer refunds once (the host keeps it idempotent).
 * Until the cashier types an amount it follows what is left (another refund coming back changes that);
 * what was typed stays typed. A confirm step is for the amount it was opened with: if that changes under
 * it, the step closes.
 */
export function RefundForm({ sale, refunds, refundable, managers }: { sale: SaleView; refunds: RefundView[]; refundable: number; managers: UserSummary[] }) {
  const t = useT();
  const approval = useManagerApproval(managers);
  const busy = useSales((s) => s.busy);
  const refundError = useSales((s) => s.refundError);
  // null: not typed, the default (everything refundable now) is shown.
  const [typed, setTyped] = useState<string | null>(null);
  const amount = typed ?? defaultRefundText(refundable);
  const [reason, setReason] = useState('');
  // The amount text the confirm step was opened for.
  const [confirmedFor, setConfirmedFor] = useState<string | null>(null);
  const confirming = confirmedFor !== null && confirmedFor === amount;
  const [requestId, setRequestId] = useState(newRequestId);

  // The default moved (another refund came back): whatever is confirmed next is a new request.
  const [requestFor, setRequestFor] = useState(amount);
  if (typed === null && requestFor !== amount) {
    setRequestFor(amount);
    setRequestId(newRequestId());
  }

  // A refund of this sale failed on the channel's own error (an aggregator): it may have gone through.
  const unclear = refunds.some((r) => r.parts.some((p) => p.state === 'failed' && isUnclearFailure(p.reason)));
  const check = checkRefundAmount(amount, refundable);
  const ready = check.ok && approval.approved && !busy;
  const plan = check.ok ? planRefund(sale, refunds, check.fen) : [];
  // A changed form is a different request: it must not be answered with an earlier refund.
  const edit = (set: (v: string) => void) => (v: string) => {
    set(v);
    setRequestId(newRequestId());
    setConfirmedFor(null);
  };

  const problem =
    amount.trim() === '' || check.ok
      ? null
      : check.problem === 'exceeds'
        ? fill(t('sales.refund.problem.exceeds'), { amount: formatFen(refundable) })
        : t(check.problem === 'zero' ? 'sales.refund.problem.zero' : 'sales.refund.problem.format');

  const submit = async (): Promise<void> => {
    if (!ready || !check.ok) return;
    const refund = await requestRefund({ saleId: sale.id, amountFen: check.fen, reason, requestId, ...(approval.authorize ? { authorize: approval.authorize } : {}) });
    approval.setPin('');
    setConfirmedFor(null);
    // The refund exists now (whatever its outcome): the next one is a new request, for what is left.
    if (refund) {
      setRequestId(newRequestId());
      setTyped(null);
      setReason('');
    }
  };

  return (
    <section className="refund-form" data-testid="refund-form">
      <h3>{t('sales.refund.title')}</h3>
      {unclear && (
        <p className="error" role="alert" data-testid="refund-unclear">
          {t('sales.refund.unclear')}
        </p>
      )}
      <form
        className="entry"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) setConfirmedFor(amount);
        }}
      >
        <label htmlFor="refund-amount">{t('sales.refund.amount')}</label>
        <input id="refund-amount" data-testid="refund-amount" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => edit(setTyped)(e.target.value)} />
        <input
          data-testid="refund-reason"
          aria-label={t('sales.refund.reason')}
          placeholder={t('sales.refund.reason')}
          maxLength={200}
          value={reason}
          onChange={(e) => edit(setReason)(e.target.value)}
        />
        <ManagerApprovalFields approval={approval} managers={managers} testPrefix="refund" needsText="sales.refund.needsManager" />
        <button type="submit" data-testid="refund-start" disabled={!ready || confirming}>
          {t('sales.refund.start')}
        </button>
      </form>
      {problem && (
        <p className="error" role="alert" data-testid="refund-problem">
          {problem}
        </p>
      )}
      {confirming && check.ok && (
        <div className="banner confirm" data-testid="refund-confirm-box">
          <strong>{t('sales.refund.confirmTitle')}</strong>
          <span>{fill(t('sales.refund.confirmText'), { amount: formatFen(check.fen), receiptNo: sale.receiptNo })}</span>
          <ul className="tenders" data-testid="refund-plan">
            {plan.map((p) => (
              <li key={p.tender.id}>
                {tenderText(t, p.tender, false)} {formatFen(p.amountFen)}
              </li>
            ))}
          </ul>
          <ConfirmButtons
            prefix="refund"
            ready={ready}
            busy={busy}
            labels={{ confirm: 'sales.refund.confirm', sending: 'sales.refund.sending', back: 'sales.refund.back' }}
            onConfirm={() => void submit()}
            onBack={() => setConfirmedFor(null)}
          />
        </div>
      )}
      <ApiErrorLine error={refundError} testId="refund-error" />
    </section>
  );
}
