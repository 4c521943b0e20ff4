import { useState } from 'react';
import { useApp } from '../stores/app';
import { useT } from '../i18n/useT';

/**
 * "No sale": opens the cash drawer with no money moving, for a reason that goes to the audit log. Says
 * when the drawer could not be reached (no printer, printer not connected): its key opens it then.
 */
export function OpenDrawer() {
  const t = useT();
  const api = useApp((s) => s.api);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const ready = reason.trim() !== '' && !busy && api !== null;
  const submit = async (): Promise<void> => {
    if (!ready || !api) return;
    setBusy(true);
    try {
      const r = await api.call('devices.openDrawer', { reason: reason.trim() });
      if (!r.ok) setResult({ ok: false, text: r.error.message });
      else {
        setResult({ ok: r.value.sent, text: r.value.sent ? t('shift.drawer.sent') : r.value.message });
        setReason('');
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="entry"
      data-testid="drawer-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor="drawer-reason">{t('shift.drawer.title')}</label>
      <input id="drawer-reason" data-testid="drawer-reason" placeholder={t('shift.drawer.reason')} maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" data-testid="drawer-submit" disabled={!ready}>
        {t('shift.drawer.submit')}
      </button>
      {result && (
        <span className={result.ok ? 'hint' : 'error'} role={result.ok ? 'status' : 'alert'} data-testid="drawer-result">
          {result.text}
        </span>
      )}
    </form>
  );
}
