import { type ApiError } from '../../shared/api/result';
import { type RefundView, type SaleStatus, type TenderView } from '../../shared/sales/views';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { formatFen } from '../format';

/** Small pieces the Sales screen shows in several places. */

type T = ReturnType<typeof useT>;

const channelName = (t: T, tender: TenderView): string => (tender.kind === 'cash' ? t('sales.tender.cash') : t(`wallet.${tender.wallet ?? 'wechat'}` as MessageKey));

/** "现金 ￥12.50" / "微信支付 ￥3.00 1345****6789"; without the amount: "现金" / "微信支付 1345****6789". */
export function tenderText(t: T, tender: TenderView, withAmount = true): string {
  return [channelName(t, tender), withAmount ? formatFen(tender.amountFen) : '', tender.maskedCode ?? ''].filter((x) => x !== '').join(' ');
}

/** The host's error: the translated code first (generic when unknown), then the host's own words. */
export function errorText(t: T, error: ApiError): string {
  const known = t(`error.${error.code}` as MessageKey) as string | undefined;
  return `${known ?? t('error.generic')} — ${error.message}`;
}

export function ApiErrorLine({ error, testId }: { error: ApiError | null; testId: string }) {
  const t = useT();
  if (!error) return null;
  return (
    <p className="error" role="alert" data-testid={testId} data-code={error.code}>
      {errorText(t, error)}
    </p>
  );
}

/** A sale made in training mode: practice, never real money. Nothing for a live sale. */
export function TrainingBadge({ training }: { training: boolean }) {
  const t = useT();
  if (!training) return null;
  return (
    <span className="badge training" data-testid="sale-training">
      {t('sales.training')}
    </span>
  );
}

export function SaleStatusBadge({ status }: { status: SaleStatus }) {
  const t = useT();
  return (
    <span className={`badge sale-status status-${status}`} data-testid="sale-status" data-status={status}>
      {t(`sales.status.${status}`)}
    </span>
  );
}

/** Local clock time of an ISO timestamp (the list is today's sales only). */
export const timeOf = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(undefined, { hour12: false });
};

/** `R1`, `R2`…: the n-th refund (voids not counted), the suffix of the refund receipt's own number. */
export const refundLabel = (refunds: readonly RefundView[], refund: RefundView): string => {
  const n = refunds.filter((r) => r.purpose === 'refund').findIndex((r) => r.id === refund.id) + 1;
  return `R${Math.max(1, n)}`;
};
