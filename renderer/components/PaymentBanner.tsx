import { type AttemptView, type SaleStatus } from '../../shared/sales/views';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { formatFen } from '../format';
import { paymentAdvice } from '../../shared/payments/advice';

/** A sale whose money is all in: paid, and still so once refunds follow (the checkout's sale is done). */
export const isCompletedSale = (status: SaleStatus): boolean => status === 'paid' || status === 'partly_refunded' || status === 'refunded';

/**
 * The one big state the cashier reads at a glance: is the customer paying, has the money arrived. A code
 * part paid while more is due says so, with what is still due, never the "done" green of a paid sale.
 */
export function PaymentBanner({ attempt, saleStatus, dueFen = 0 }: { attempt: AttemptView | null; saleStatus: SaleStatus; dueFen?: number }) {
  const t = useT();
  if (isCompletedSale(saleStatus)) {
    return (
      <>
        <div className="banner paid" data-testid="payment-banner" data-phase="paid">
          {t('phase.salePaid')}
        </div>
        {/* Paid otherwise (cash) while a cancelled code payment goes back: it stays in view until it ends. A
            payment that simply failed is not shown: its advice ("pay another way") is about the past. */}
        {attempt && (attempt.cancelRequested || attempt.state === 'reversing' || attempt.state === 'reversed') && <AttemptBanner attempt={attempt} testId="giveback-banner" />}
      </>
    );
  }
  if (!attempt) return null;
  return <AttemptBanner attempt={attempt} testId="payment-banner" dueFen={dueFen} />;
}

function AttemptBanner({ attempt, testId, dueFen = 0 }: { attempt: AttemptView; testId: string; dueFen?: number }) {
  const t = useT();
  const advice = paymentAdvice(attempt);
  const partPaid = attempt.state === 'succeeded' && dueFen > 0;
  const headline = partPaid ? t('phase.partPaid').replace('{amount}', formatFen(attempt.amountFen)).replace('{due}', formatFen(dueFen)) : t(`phase.${attempt.phase}` as MessageKey);
  return (
    <div className={`banner phase-${partPaid ? 'part_paid' : attempt.phase}`} data-testid={testId} data-phase={partPaid ? 'part_paid' : attempt.phase} data-state={attempt.state}>
      <strong>{headline}</strong>
      <span>
        {t(`wallet.${attempt.wallet}` as MessageKey)} · {formatFen(attempt.amountFen)} · {attempt.maskedCode}
      </span>
      {advice && (
        <p className="advice" data-testid="payment-advice" data-advice={advice}>
          {t(`advice.${advice}` as MessageKey)}
        </p>
      )}
      {attempt.reason && <small data-testid="payment-reason">{attempt.reason}</small>}
    </div>
  );
}
