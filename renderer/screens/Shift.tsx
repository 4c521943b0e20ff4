import { Fragment, useEffect, useState } from 'react';
import { useApp } from '../stores/app';
import { closeShift, connectShift, moveCash, openShift, useShift } from '../stores/shift';
import { useT } from '../i18n/useT';
import { OpenDrawer } from '../components/OpenDrawer';
import { type MessageKey } from '../i18n/messages';
import { formatFen, parseYuanInput } from '../format';
import { type CashDirection, type ShiftView } from '../../shared/api/shifts';
import { type UserSummary } from '../../shared/api/session';

/** "+￥0.50" over, "-￥0.50" short: the sign first, so a shortage never reads as a price. */
const signedFen = (fen: number): string => (fen > 0 ? `+${formatFen(fen)}` : fen < 0 ? `-${formatFen(-fen)}` : formatFen(0));
const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');
const newRequestId = (): string => crypto.randomUUID();

function Figures({ shift }: { shift: ShiftView }) {
  const t = useT();
  const f = shift.figures;
  const rows: [string, MessageKey, string][] = [
    ['float', 'shift.figures.float', formatFen(f.openingFloatFen)],
    ['cash-sales', 'shift.figures.cashSales', formatFen(f.cashSalesFen)],
    ['cash-refunds', 'shift.figures.cashRefunds', formatFen(f.cashRefundsFen)],
    ['cash-in', 'shift.figures.cashIn', formatFen(f.cashInFen)],
    ['cash-out', 'shift.figures.cashOut', formatFen(f.cashOutFen)],
  ];
  return (
    <dl className="totals" data-testid="shift-figures">
      {rows.map(([id, label, value]) => (
        <Fragment key={id}>
          <dt>{t(label)}</dt>
          <dd data-testid={`shift-${id}`}>{value}</dd>
        </Fragment>
      ))}
      <dt>{t('shift.figures.expected')}</dt>
      <dd className="due" data-testid="shift-expected">
        {formatFen(f.expectedCashFen)}
      </dd>
    </dl>
  );
}

function Result({ shift }: { shift: ShiftView }) {
  const t = useT();
  const diff = shift.differenceFen ?? 0;
  return (
    <section className="banner shift-result" data-testid="shift-result">
      <strong>{t('shift.result.title')}</strong>
      <span>
        {t('shift.result.expected')} <b data-testid="result-expected">{formatFen(shift.figures.expectedCashFen)}</b> · {t('shift.result.counted')}{' '}
        <b data-testid="result-counted">{formatFen(shift.countedCashFen ?? 0)}</b>
      </span>
      <span>
        {t('shift.result.difference')} <b data-testid="result-difference">{signedFen(diff)}</b> ({t(diff > 0 ? 'shift.diff.over' : diff < 0 ? 'shift.diff.short' : 'shift.diff.even')})
      </span>
    </section>
  );
}

function OpenForm() {
  const t = useT();
  const busy = useShift((s) => s.busy);
  const [float, setFloat] = useState('');
  const fen = parseYuanInput(float);
  return (
    <form
      className="entry"
      onSubmit={(e) => {
        e.preventDefault();
        if (fen !== null) void openShift(fen).then((ok) => ok && setFloat(''));
      }}
    >
      <label htmlFor="open-float">{t('shift.openingFloat')}</label>
      <input id="open-float" data-testid="open-float" inputMode="decimal" value={float} onChange={(e) => setFloat(e.target.value)} autoFocus />
      <button type="submit" className="primary" data-testid="open-submit" disabled={busy || fen === null}>
        {t('shift.open')}
      </button>
    </form>
  );
}

function MovementForm({ managers }: { managers: UserSummary[] }) {
  const t = useT();
  const busy = useShift((s) => s.busy);
  const isManager = useApp((s) => s.session?.user.role === 'manager');
  const [direction, setDirection] = useState<CashDirection>('in');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [managerId, setManagerId] = useState('');
  const [pin, setPin] = useState('');
  // One id per filled-in form: a double submit records one movement (the host keeps it idempotent).
  const [requestId, setRequestId] = useState(newRequestId);
  const fen = parseYuanInput(amount);
  const needsPin = direction === 'out' && !isManager;
  const approver = managerId || managers[0]?.id || '';
  const ready = fen !== null && fen > 0 && reason.trim() !== '' && (!needsPin || (approver !== '' && /^\d{4,8}$/.test(pin)));
  const submit = async (): Promise<void> => {
    if (!ready || fen === null) return;
    const ok = await moveCash({ direction, amountFen: fen, reason: reason.trim(), requestId, ...(needsPin ? { authorize: { userId: approver, pin } } : {}) });
    setPin('');
    if (ok) {
      setAmount('');
      setReason('');
      setRequestId(newRequestId());
    }
  };
  return (
    <form
      className="entry"
      data-testid="movement-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor="movement-direction">{t('shift.movement.title')}</label>
      <select id="movement-direction" data-testid="movement-direction" value={direction} onChange={(e) => setDirection(e.target.value === 'out' ? 'out' : 'in')}>
        <option value="in">{t('shift.movement.in')}</option>
        <option value="out">{t('shift.movement.out')}</option>
      </select>
      <input data-testid="movement-amount" aria-label={t('shift.movement.amount')} placeholder={t('shift.movement.amount')} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
      <input data-testid="movement-reason" aria-label={t('shift.movement.reason')} placeholder={t('shift.movement.reason')} maxLength={256} value={reason} onChange={(e) => setReason(e.target.value)} />
      {needsPin && (
        <>
          <select data-testid="movement-manager" aria-label={t('shift.movement.manager')} value={approver} onChange={(e) => setManagerId(e.target.value)}>
            {managers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <input data-testid="movement-pin" type="password" inputMode="numeric" autoComplete="off" aria-label={t('shift.movement.pin')} placeholder={t('shift.movement.pin')} maxLength={8} value={pin} onChange={(e) => setPin(e.target.value)} />
        </>
      )}
      <button type="submit" data-testid="movement-submit" disabled={busy || !ready}>
        {t('shift.movement.submit')}
      </button>
    </form>
  );
}

function CloseForm({ shift }: { shift: ShiftView }) {
  const t = useT();
  const busy = useShift((s) => s.busy);
  const [counted, setCounted] = useState('');
  const [note, setNote] = useState('');
  const fen = parseYuanInput(counted);
  return (
    <form
      className="entry"
      data-testid="close-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (fen !== null) void closeShift(fen, note);
      }}
    >
      <label htmlFor="close-counted">{t('shift.close.counted')}</label>
      <input id="close-counted" data-testid="close-counted" inputMode="decimal" value={counted} onChange={(e) => setCounted(e.target.value)} />
      <input data-testid="close-note" aria-label={t('shift.close.note')} placeholder={t('shift.close.note')} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" className="primary" data-testid="close-submit" disabled={busy || fen === null}>
        {t('shift.close.submit')}
      </button>
      {fen !== null && (
        <span className="hint" data-testid="close-preview">
          {t('shift.result.difference')} {signedFen(fen - shift.figures.expectedCashFen)}
        </span>
      )}
    </form>
  );
}

/**
 * The Shift screen: open a shift with its float, record cash in / out with a reason (cash out approved by
 * a manager), watch what the drawer should hold, close with the cash counted and see the difference.
 */
export function Shift() {
  const t = useT();
  const api = useApp((s) => s.api);
  const isManager = useApp((s) => s.session?.user.role === 'manager');
  const current = useShift((s) => s.current);
  const lastClosed = useShift((s) => s.lastClosed);
  const recent = useShift((s) => s.recent);
  const loaded = useShift((s) => s.loaded);
  const error = useShift((s) => s.error);
  const [managers, setManagers] = useState<UserSummary[]>([]);

  useEffect(() => (api ? connectShift() : undefined), [api]);
  useEffect(() => {
    if (!api || isManager) return;
    void api.call('users.list').then((r) => r.ok && setManagers(r.value.filter((u) => u.role === 'manager' && u.active)));
  }, [api, isManager]);

  const errorText = error ? `${t(`error.${error.code}` as MessageKey) ?? t('error.generic')} — ${error.message}` : null;

  return (
    <main className="status shift" data-testid="shift-screen">
      <h1>{t('shift.title')}</h1>
      {lastClosed && <Result shift={lastClosed} />}
      {loaded && !current && (
        <>
          <p data-testid="shift-none">{t('shift.none')}</p>
          <OpenForm />
        </>
      )}
      {current && (
        <>
          <p data-testid="shift-open-info">
            {t('shift.openedAt')} {when(current.openedAt)} · {t('shift.openedBy')} {current.openedByName}
          </p>
          <Figures shift={current} />
          <MovementForm managers={managers} />
          <h2>{t('shift.movement.list')}</h2>
          {current.movements.length === 0 ? (
            <p className="hint">{t('shift.movement.none')}</p>
          ) : (
            <ul className="tenders" data-testid="shift-movements">
              {current.movements.map((m) => (
                <li key={m.id}>
                  {t(m.direction === 'in' ? 'shift.figures.cashIn' : 'shift.figures.cashOut')} {formatFen(m.amountFen)} · {m.reason} · {when(m.createdAt)}
                </li>
              ))}
            </ul>
          )}
          <h2>{t('shift.close.title')}</h2>
          <CloseForm key={current.id} shift={current} />
        </>
      )}
      {errorText && (
        <p className="error" role="alert" data-testid="shift-error">
          {errorText}
        </p>
      )}
      {loaded && <OpenDrawer />}
      <p className="hint">{t('shift.hint')}</p>
      {isManager && recent.length > 0 && (
        <>
          <h2>{t('shift.recent')}</h2>
          <table className="scans" data-testid="shift-recent">
            <thead>
              <tr>
                <th>{t('shift.closedAt')}</th>
                <th>{t('shift.closedBy')}</th>
                <th>{t('shift.result.expected')}</th>
                <th>{t('shift.result.counted')}</th>
                <th>{t('shift.result.difference')}</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((s) => (
                <tr key={s.id}>
                  <td>{when(s.closedAt)}</td>
                  <td>{s.closedByName}</td>
                  <td className="num">{formatFen(s.figures.expectedCashFen)}</td>
                  <td className="num">{formatFen(s.countedCashFen ?? 0)}</td>
                  <td className="num">{signedFen(s.differenceFen ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
