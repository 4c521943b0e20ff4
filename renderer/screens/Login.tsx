import { useCallback, useEffect, useState } from 'react';
import { type UserSummary } from '../../shared/api/session';
import { useApp } from '../stores/app';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0', '⌫'] as const;
const MAX_PIN = 8;

/** User picker + PIN pad. Fully keyboard usable: digits type, Backspace deletes, Enter submits, Esc clears. */
export function Login() {
  const api = useApp((s) => s.api);
  const setSession = useApp((s) => s.setSession);
  const t = useT();
  const [users, setUsers] = useState<UserSummary[]>([]);
  const [userId, setUserId] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!api) return;
    void api.call('users.list').then((r) => {
      if (!r.ok) return;
      const active = r.value.filter((u) => u.active);
      setUsers(active);
      setUserId((cur) => cur ?? active[0]?.id ?? null);
    });
  }, [api]);

  const submit = useCallback(async () => {
    if (!api || !userId || pin.length < 4 || busy) return;
    setBusy(true);
    const r = await api.call('session.login', { userId, pin });
    setBusy(false);
    setPin('');
    if (r.ok) {
      setError(null);
      setSession(r.value);
    } else {
      const key = `error.${r.error.code}` as MessageKey;
      setError(`${t(key) ?? t('error.generic')} — ${r.error.message}`);
    }
  }, [api, userId, pin, busy, setSession, t]);

  const press = useCallback(
    (key: string) => {
      setError(null);
      if (key === 'C') setPin('');
      else if (key === '⌫') setPin((p) => p.slice(0, -1));
      else if (/^\d$/.test(key)) setPin((p) => (p.length < MAX_PIN ? p + key : p));
    },
    [],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLSelectElement) return;
      if (/^\d$/.test(e.key)) press(e.key);
      else if (e.key === 'Backspace') press('⌫');
      else if (e.key === 'Escape') press('C');
      else if (e.key === 'Enter') void submit();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [press, submit]);

  return (
    <main className="login">
      <h1>{t('login.title')}</h1>
      <label className="field">
        <span>{t('login.chooseUser')}</span>
        <select data-testid="login-user" value={userId ?? ''} onChange={(e) => setUserId(e.target.value)}>
          {users.length === 0 && <option value="">{t('login.noUsers')}</option>}
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} · {t(u.role === 'manager' ? 'role.manager' : 'role.cashier')}
            </option>
          ))}
        </select>
      </label>
      <div className="pin-display" data-testid="pin-display" aria-label={t('login.enterPin')}>
        {pin.length === 0 ? <span className="placeholder">{t('login.enterPin')}</span> : '●'.repeat(pin.length)}
      </div>
      <div className="pin-pad" role="group" aria-label={t('login.enterPin')}>
        {KEYS.map((k) => (
          <button key={k} type="button" data-testid={`pin-${k}`} onClick={() => press(k)} aria-label={k === 'C' ? t('login.clear') : k === '⌫' ? t('login.back') : k}>
            {k}
          </button>
        ))}
      </div>
      <button type="button" className="primary" data-testid="login-submit" disabled={pin.length < 4 || busy || !userId} onClick={() => void submit()}>
        {t('login.submit')}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <p className="hint">{t('login.hint')}</p>
    </main>
  );
}
