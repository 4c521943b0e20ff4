import { type FormEvent, useState } from 'react';
import { type ApiError } from '../../shared/api/result';
import { type ReconcileResult } from '../../shared/api/reconcile';
import { type Gateway } from '../../shared/sales/views';
import { useApp } from '../stores/app';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { fill } from '../i18n/messages-sales';
import { formatFen } from '../format';
import { ApiErrorLine } from '../components/SaleBits';

const GATEWAYS: readonly Gateway[] = ['wechat', 'alipay', 'unionpay', 'jeepay'];

/** Yesterday in China time: the latest day a channel has a bill for. */
const yesterdayInChina = (): string => new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);

const fen = (v: number | null): string => (v === null ? '—' : formatFen(v));

function Report({ result }: { result: ReconcileResult }) {
  const t = useT();
  return (
    <div data-testid="reconcile-report" data-bill={result.bill} data-problems={result.problems.length}>
      <p className={result.bill === 'ok' ? 'hint left' : 'error'} data-testid="reconcile-bill">
        {t(`reconcile.bill.${result.bill}` as MessageKey)}
        {result.bill === 'ok' ? '' : ` — ${result.message}`}
      </p>
      {result.bill === 'ok' && (
        <p className="hint left" data-testid="reconcile-summary">
          {fill(t('reconcile.summary'), { p: String(result.matchedPayments), r: String(result.matchedRefunds), c: formatFen(result.chargedFen), g: formatFen(result.givenBackFen) })}
        </p>
      )}
      {result.bill === 'ok' && result.otherTerminals.rows > 0 && (
        <p className="hint left" data-testid="reconcile-other-tills">
          {fill(t('reconcile.otherTills'), {
            n: String(result.otherTerminals.rows),
            tills: result.otherTerminals.terminals.join(', '),
            c: formatFen(result.otherTerminals.chargedFen),
            g: formatFen(result.otherTerminals.givenBackFen),
          })}
        </p>
      )}
      {result.bill === 'ok' && result.problems.length === 0 && (
        <p className="clean" data-testid="reconcile-clean">
          {t('reconcile.clean')}
        </p>
      )}
      {result.problems.length > 0 && (
        <table className="scans" data-testid="reconcile-problems">
          <thead>
            <tr>
              <th>{t('reconcile.col.kind')}</th>
              <th>{t('reconcile.col.order')}</th>
              <th className="num">{t('reconcile.col.bill')}</th>
              <th className="num">{t('reconcile.col.local')}</th>
              <th>{t('reconcile.col.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {result.problems.map((p, i) => (
              <tr key={`${p.kind}-${p.orderNo ?? ''}-${p.refundNo ?? ''}-${i}`} data-testid="reconcile-problem" data-kind={p.kind} data-order-no={p.orderNo ?? ''}>
                <td>{t(`reconcile.kind.${p.kind}` as MessageKey)}</td>
                <td>{p.refundNo ? `${p.orderNo ?? ''} / ${p.refundNo}` : (p.orderNo ?? '')}</td>
                <td className="num">{fen(p.billFen)}</td>
                <td className="num">{fen(p.localFen)}</td>
                <td>{p.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.problemCount > result.problems.length && (
        <p className="hint left" data-testid="reconcile-more">
          {fill(t('reconcile.more'), { count: String(result.problemCount), shown: String(result.problems.length) })}
        </p>
      )}
    </div>
  );
}

/**
 * Managers: download a channel's bill for a day and see every difference with this till's records
 * (`payment.reconcile`): money taken that no sale knows, money not given back, amounts that differ.
 */
export function ReconcilePanel() {
  const t = useT();
  const api = useApp((s) => s.api);
  const [date, setDate] = useState(yesterdayInChina);
  const [gateway, setGateway] = useState<Gateway>('wechat');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReconcileResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const run = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!api || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.call('payment.reconcile', { date, gateway });
      if (r.ok) setResult(r.value);
      else {
        setResult(null);
        setError(r.error);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="reconcile" data-testid="reconcile-panel">
      <h2>{t('reconcile.title')}</h2>
      <form className="row" onSubmit={(e) => void run(e)}>
        <label>
          {t('reconcile.date')}
          <input type="date" data-testid="reconcile-date" value={date} required onChange={(e) => setDate(e.target.value)} />
        </label>
        <label>
          {t('reconcile.gateway')}
          <select data-testid="reconcile-gateway" value={gateway} onChange={(e) => setGateway(e.target.value as Gateway)}>
            {GATEWAYS.map((g) => (
              <option key={g} value={g}>
                {t(`reconcile.gw.${g}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="reconcile-run" disabled={busy}>
          {busy ? t('reconcile.running') : t('reconcile.run')}
        </button>
      </form>
      <ApiErrorLine error={error} testId="reconcile-error" />
      {result && <Report result={result} />}
    </section>
  );
}
