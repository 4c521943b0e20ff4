import { printReceipt, useSales } from '../stores/sales';
import { useT } from '../i18n/useT';

/** Print and reprint (a numbered copy) of a sale's or a refund's receipt; the preview shows beside. */
export function PrintButtons({ target, testPrefix, printLabel }: { target: { saleId: string } | { refundId: string }; testPrefix: string; printLabel: 'sales.receipt.print' | 'sales.receipt.printRefund' }) {
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
