import { type AttemptView, type SaleStatus } from '../../shared/sales/views';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { formatFen } from '../format';
import { paymentAdvice } from '../../shared/payments/advice';

/** The one big state the cashier reads at a glance: is the customer paying, has the money arrived. */
export function PaymentBanner({ attempt, saleStatus }: { attempt: AttemptView | null; saleStatus: SaleStatus }) {
  const t = useT();
  if (saleStatus === 'paid') {
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
  return <AttemptBanner attempt={attempt} testId="payment-banner" />;
}

function AttemptBanner({ attempt, testId }: { attempt: AttemptView; testId: string }) {
  const t = useT();
  const advice = paymentAdvice(attempt);
  return (
    <div className={`banner phase-${attempt.phase}`} data-testid={testId} data-phase={attempt.phase} data-state={attempt.state}>
      <strong>{t(`phase.${attempt.phase}` as MessageKey)}</strong>
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
