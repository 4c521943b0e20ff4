import { useEffect, useRef, useState } from 'react';
import { useApp } from '../stores/app';
import { addAmountLine, cancelPayment, codePartFen, completeFreeSale, followAttempt, newSale, queryPayment, refreshSale, removeLine, resumeOrNewSale, startCodePayment, tenderCash, useCheckout } from '../stores/checkout';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { amountInputProblem, formatFen, parseYuanInput } from '../format';
import { isCompletedSale, PaymentBanner } from '../components/PaymentBanner';
import { CheckoutCameraButton, useCheckoutScans } from '../scan/CheckoutScan';
import { VoidSale, VoidedBanner } from '../components/VoidSale';
import { useManagers } from '../components/ManagerApproval';
import { canVoid } from '../stores/sales-logic';

/**
 * Only part of what is due on the next code (the customer's wallet holds less): the rest is paid after it,
 * in cash or with another code. Empty: the code pays all that is due. Typed and scanned codes both use it.
 */
function CodePartField({ dueFen }: { dueFen: number }) {
  const t = useT();
  const text = useCheckout((s) => s.codePart);
  // Usable as the store takes it (codePartFen); otherwise say whether it is too much or mistyped.
  const problem: MessageKey | null =
    text.trim() === '' || codePartFen(text, dueFen) !== null ? null : (parseYuanInput(text) ?? 0) > dueFen ? 'checkout.codePartTooMuch' : 'checkout.amountFormat';
  return (
    <div className="entry">
      <label htmlFor="code-part">{t('checkout.codePart')}</label>
      <input
        id="code-part"
        data-testid="code-part"
        inputMode="decimal"
        autoComplete="off"
        value={text}
        placeholder={formatFen(dueFen)}
        onChange={(e) => useCheckout.getState().setCodePart(e.target.value)}
      />
      {problem && (
        <p className="hint" role="status" data-testid="code-part-hint">
          {t(problem)}
        </p>
      )}
    </div>
  );
}

/**
 * The cashier's screen: key amounts (or scan), take the customer's payment code or cash, see one big
 * unmistakable payment state, next customer. Keyboard first: the focused field always says what Enter does.
 * A sale that cannot go on (the customer leaves, a sale left uncertain by a power loss) is voided here with
 * a manager's approval; the voided state says what goes back, then the next customer.
 */
export function Checkout() {
  const api = useApp((s) => s.api);
  const sale = useCheckout((s) => s.sale);
  const attempt = useCheckout((s) => s.attempt);
  const error = useCheckout((s) => s.error);
  const busy = useCheckout((s) => s.busy);
  const t = useT();
  const managers = useManagers();
  const [amount, setAmount] = useState('');
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [cash, setCash] = useState('');
  const amountRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  // Scanner and camera: a payment code while an amount is due starts the payment (devices, issue #5).
  useCheckoutScans();

  useEffect(() => {
    if (!sale) void resumeOrNewSale();
  }, [sale]);

  // Back from another tab, or the link to the host back after a drop: events may have been missed, so the
  // sale and its payment are read again (voided or paid on the Sales screen, a payment that ended meanwhile).
  const connected = useApp((s) => s.link.connected);
  useEffect(() => {
    const id = useCheckout.getState().sale?.id;
    if (id && connected) void refreshSale(id);
  }, [connected]);

  useEffect(() => {
    if (!api) return;
    const offs = [
      api.on('payment.progress', (p) => {
        const cur = useCheckout.getState();
        if (cur.sale?.id !== p.saleId) return;
        void followAttempt(p.attemptId);
        void refreshSale(p.saleId);
      }),
      api.on('sale.changed', (p) => {
        if (useCheckout.getState().sale?.id === p.saleId) void refreshSale(p.saleId);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api]);

  // Paid, and still so when a refund followed (on the Sales screen) before "next customer".
  const done = sale !== null && isCompletedSale(sale.status);
  const paymentRunning = attempt !== null && !['succeeded', 'failed', 'reversed'].includes(attempt.state);
  const canPay = sale !== null && sale.dueFen > 0 && !paymentRunning && !done;
  // A code payment the cashier cancelled, or one being given back, can never pay the sale: cash goes on.
  const givingBack = attempt !== null && paymentRunning && (attempt.cancelRequested || attempt.state === 'reversing');
  // Lines change until the sale ends, but not while a code payment may still pay it; with part paid, a line
  // goes only if what is left still covers what was paid (the host checks the same).
  const editable = sale !== null && (sale.status === 'open' || sale.status === 'paying') && (!paymentRunning || givingBack);
  const canPayCash = sale !== null && sale.dueFen > 0 && !done && sale.status !== 'voided' && (!paymentRunning || givingBack);

  // A payment that has just ended: an error shown before it (a scan refused meanwhile) is about the past, and
  // when it ended without the money the code field is where the next scan goes.
  const ended = attempt !== null && !paymentRunning ? `${attempt.id}:${attempt.state}` : null;
  useEffect(() => {
    if (ended !== null) useCheckout.getState().setError(null);
  }, [ended]);
  // After the sale is back to open too: the amount field reappearing then must not take the focus.
  const saleStatus = sale?.status;
  useEffect(() => {
    if (ended !== null && !ended.endsWith(':succeeded')) codeRef.current?.focus();
  }, [ended, saleStatus]);
  useEffect(() => {
    if (done) useCheckout.getState().setError(null);
  }, [done]);

  const submitAmount = async () => {
    const fen = parseYuanInput(amount);
    if (fen === null || fen <= 0) return;
    const keyed = { amount, name };
    // Cleared at once: a quick cashier keys the next line while this one is being added, and clearing
    // after the answer would wipe what they typed meanwhile.
    setAmount('');
    setName('');
    amountRef.current?.focus();
    if (await addAmountLine(keyed.name.trim() || undefined, fen, 1)) return;
    // Not added (the reason is shown): what was keyed comes back, unless something new was typed since.
    setAmount((a) => (a === '' ? keyed.amount : a));
    setName((n) => (n === '' ? keyed.name : n));
  };
  const submitCode = async () => {
    if (!code.trim()) return;
    const scanned = code;
    setCode('');
    await startCodePayment(scanned);
  };
  const submitCash = async () => {
    const fen = parseYuanInput(cash);
    if (fen === null || fen <= 0) return;
    const keyed = cash;
    setCash('');
    // Refused (the reason is shown): what was keyed comes back, unless something new was typed since.
    if (!(await tenderCash(fen))) setCash((c) => (c === '' ? keyed : c));
  };

  const errorText = error ? `${t((`error.${error.code}`) as MessageKey) ?? t('error.generic')} — ${error.message}` : null;
  // No sale could be opened (host unreachable, refused): say so and offer to try again, never a blank screen.
  if (!sale)
    return (
      <main className="checkout">
        {errorText && (
          <p className="error" role="alert" data-testid="checkout-error">
            {errorText}{' '}
            <button type="button" data-testid="checkout-retry" onClick={() => void resumeOrNewSale()}>
              {t('print.retry')}
            </button>
          </p>
        )}
      </main>
    );

  return (
    <main className="checkout" data-testid="checkout">
      <section className="cart">
        <h2>
          {t('checkout.sale')} <span data-testid="receipt-no">{sale.receiptNo}</span>
        </h2>
        <table>
          <tbody data-testid="cart-lines">
            {sale.lines.map((l) => (
              <tr key={l.id}>
                <td>{l.name}</td>
                <td className="qty">×{l.quantity}</td>
                <td className="num">{formatFen(l.totalFen)}</td>
                <td>
                  {editable && sale.totalFen - l.totalFen >= sale.paidFen && (
                    <button type="button" className="link" onClick={() => void removeLine(l.id)} aria-label={t('checkout.removeLine')}>
                      ✕
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {editable && (
          <form
            className="entry"
            onSubmit={(e) => {
              e.preventDefault();
              void submitAmount();
            }}
          >
            <input ref={amountRef} data-testid="amount-input" inputMode="decimal" placeholder={t('checkout.amount')} value={amount} onChange={(e) => setAmount(e.target.value)} autoFocus />
            <input data-testid="name-input" placeholder={t('checkout.itemName')} value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
            <button type="submit" data-testid="add-line" disabled={amountInputProblem(amount) !== null || amount.trim() === ''}>
              {t('checkout.addLine')}
            </button>
            {amountInputProblem(amount) && (
              <p className="hint" role="status" data-testid="amount-hint">
                {t('checkout.amountFormat')}
              </p>
            )}
          </form>
        )}
        <dl className="totals">
          <dt>{t('checkout.total')}</dt>
          <dd data-testid="total">{formatFen(sale.totalFen)}</dd>
          <dt>{t('checkout.paid')}</dt>
          <dd data-testid="paid">{formatFen(sale.paidFen)}</dd>
          <dt>{t('checkout.due')}</dt>
          <dd data-testid="due" className="due">
            {formatFen(sale.dueFen)}
          </dd>
        </dl>
        {sale.tenders.length > 0 && (
          <ul className="tenders" data-testid="tenders">
            {sale.tenders.map((tn) => (
              <li key={tn.id}>
                {tn.kind === 'cash' ? t('checkout.cash') : t(`wallet.${tn.wallet ?? 'wechat'}` as MessageKey)} {formatFen(tn.amountFen)}
                {tn.changeFen ? ` · ${t('checkout.change')} ${formatFen(tn.changeFen)}` : ''}
                {tn.maskedCode ? ` · ${tn.maskedCode}` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="pay">
        {sale.status === 'voided' && <VoidedBanner sale={sale} handBack />}
        <PaymentBanner attempt={attempt} saleStatus={sale.status} dueFen={sale.dueFen} />
        {paymentRunning && (
          <div className="row">
            {/* Once cancelled, pressing it again changes nothing: the reverse keeps its own schedule. */}
            {!givingBack && (
              <button type="button" data-testid="payment-cancel" onClick={() => void cancelPayment()}>
                {t('checkout.cancelPayment')}
              </button>
            )}
            <button type="button" data-testid="payment-query" onClick={() => void queryPayment()}>
              {t('checkout.queryPayment')}
            </button>
          </div>
        )}
        {canPay && (
          <>
            <form
              className="entry"
              onSubmit={(e) => {
                e.preventDefault();
                void submitCode();
              }}
            >
              <label htmlFor="code-input">{t('checkout.scanCode')}</label>
              <input id="code-input" ref={codeRef} data-testid="code-input" autoComplete="off" inputMode="numeric" value={code} onChange={(e) => setCode(e.target.value)} placeholder={t('checkout.scanHint')} />
              <button type="submit" data-testid="code-submit" disabled={busy || !code.trim()}>
                {t('checkout.charge')}
              </button>
            </form>
            <CheckoutCameraButton />
            <CodePartField dueFen={sale.dueFen} />
          </>
        )}
        {canPayCash && (
          <form
            className="entry"
            onSubmit={(e) => {
              e.preventDefault();
              void submitCash();
            }}
          >
            <label htmlFor="cash-input">{t('checkout.cashGiven')}</label>
            <input id="cash-input" data-testid="cash-input" inputMode="decimal" value={cash} onChange={(e) => setCash(e.target.value)} />
            <button type="submit" data-testid="cash-submit" disabled={busy || amountInputProblem(cash) !== null || cash.trim() === ''}>
              {t('checkout.takeCash')}
            </button>
            {amountInputProblem(cash) && (
              <p className="hint" role="status" data-testid="cash-hint">
                {t('checkout.amountFormat')}
              </p>
            )}
          </form>
        )}
        {/* Free items only (total 0 fen): no tender can end the sale, so it is completed as it is. */}
        {sale.status === 'open' && sale.totalFen === 0 && sale.lines.length > 0 && (
          <button type="button" className="primary" data-testid="complete-free" disabled={busy} onClick={() => void completeFreeSale()}>
            {t('checkout.completeFree')}
          </button>
        )}
        {errorText && (
          <p className="error" role="alert" data-testid="checkout-error">
            {errorText}
          </p>
        )}
        {canVoid(sale) && <VoidSale key={sale.id} sale={sale} managers={managers} />}
        {(done || sale.status === 'voided') && (
          <button type="button" className="primary" data-testid="next-sale" onClick={() => void newSale()} autoFocus>
            {t('checkout.next')}
          </button>
        )}
      </section>
    </main>
  );
}
