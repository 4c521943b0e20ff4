import { useState } from 'react';
import { type DailyTotals, type TotalsFigures } from '../../shared/sync/protocol';
import { type ApiError } from '../../shared/api/result';
import { useApp } from '../stores/app';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { formatFen } from '../format';
import { ApiErrorLine } from '../components/SaleBits';

/** "wechat" → 微信支付 where the UI has a name for the tender group; otherwise the group as it is. */
function groupName(t: (k: MessageKey) => string, group: string): string {
  const key = (group === 'cash' ? 'sales.totals.cash' : `wallet.${group}`) as MessageKey;
  // A group the UI has no name for (a wallet added later, 'code') reads as it is.
  const name = t(key) as string | undefined;
  return name === undefined || name === key ? group : name;
}

function Row({ name, f, testId }: { name: string; f: TotalsFigures; testId: string }) {
  return (
    <tr data-testid={testId}>
      <td>{name}</td>
      <td className="num">{f.salesCount}</td>
      <td className="num">{formatFen(f.salesFen)}</td>
      <td className="num">{f.refundsCount > 0 ? `${f.refundsCount} · ${formatFen(f.refundsFen)}` : '—'}</td>
      <td className="num">{f.voidsCount > 0 ? `${f.voidsCount} · ${formatFen(f.voidsFen)}` : '—'}</td>
      <td className="num">
        <strong>{formatFen(f.netFen)}</strong>
      </td>
    </tr>
  );
}

/**
 * The manager's day totals (日结) on this till: sales, refunds, voids and net, by tender, training apart:
 * the host's `report.day`, computed from this till's HQ records as HQ computes them.
 */
export function DayTotals() {
  const t = useT();
  const api = useApp((s) => s.api);
  const [date, setDate] = useState('');
  const [totals, setTotals] = useState<DailyTotals | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = async (): Promise<void> => {
    if (!api) return;
    const r = await api.call('report.day', date === '' ? {} : { date });
    setError(r.ok ? null : r.error);
    setTotals(r.ok ? r.value : null);
  };
  return (
    <section className="day-totals" data-testid="day-totals">
      <h3>{t('sales.totals.title')}</h3>
      <form
        className="entry"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <input type="date" data-testid="day-totals-date" aria-label={t('sales.totals.date')} value={date} onChange={(e) => setDate(e.target.value)} />
        <button type="submit" data-testid="day-totals-show">
          {t('sales.totals.show')}
        </button>
      </form>
      <ApiErrorLine error={error} testId="day-totals-error" />
      {totals && (
        <table className="scans" data-testid="day-totals-table" data-date={totals.date}>
          <thead>
            <tr>
              <th>{totals.date}</th>
              <th className="num">{t('sales.totals.count')}</th>
              <th className="num">{t('sales.totals.sales')}</th>
              <th className="num">{t('sales.totals.refunds')}</th>
              <th className="num">{t('sales.totals.voids')}</th>
              <th className="num">{t('sales.totals.net')}</th>
            </tr>
          </thead>
          <tbody>
            <Row name={t('sales.totals.all')} f={totals.store} testId="day-totals-store" />
            {totals.byTender.map((g) => (
              <Row key={g.tender} name={groupName(t, g.tender)} f={g} testId={`day-totals-${g.tender}`} />
            ))}
            {totals.training && <Row name={t('sales.totals.training')} f={totals.training} testId="day-totals-training" />}
          </tbody>
        </table>
      )}
      {totals?.unreadable && <p className="error">{t('sales.totals.unreadable').replace('{n}', String(totals.unreadable.length))}</p>}
    </section>
  );
}
