import { useDevices, dismissJob, retryJob } from '../stores/devices';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';

/**
 * What the cashier must know about receipts: jobs waiting for the printer (and why) and jobs that may not
 * have come out (retry prints them again, dismiss drops them). Sales are never affected by any of this.
 */
export function PrintJobsNotice() {
  const jobs = useDevices((s) => s.openJobs);
  const t = useT();
  if (jobs.length === 0) return null;
  return (
    <section className="print-notice" data-testid="print-notice" role="status">
      {jobs.map((j) => (
        <div key={j.id} className={`print-job state-${j.state}`} data-testid="print-job" data-state={j.state}>
          <strong>
            {t(`print.state.${j.state}` as MessageKey)} · {j.kind === 'test' ? t('print.kind.test') : (j.receiptNo ?? '')}
            {j.kind === 'refund' || (j.kind === 'copy' && j.refundId) ? ` · ${t('print.kind.refund')}` : ''}
            {j.copyNumber ? ` · ${t('print.kind.copy')} ${j.copyNumber}` : ''}
          </strong>
          {j.reason && <span data-testid="print-job-reason">{j.reason}</span>}
          {(j.state === 'uncertain' || j.state === 'queued') && (
            <span className="row">
              <button type="button" data-testid="print-job-retry" onClick={() => void retryJob(j.id)}>
                {j.state === 'uncertain' ? t('print.retryUncertain') : t('print.retry')}
              </button>
              <button type="button" data-testid="print-job-dismiss" onClick={() => void dismissJob(j.id)}>
                {t('print.dismiss')}
              </button>
            </span>
          )}
        </div>
      ))}
    </section>
  );
}
