import { useCallback, useEffect, useState } from 'react';
import { type GatewaysView, type SetGatewaysInput } from '../../shared/api/gateways';
import { type ApiError } from '../../shared/api/result';
import { useApp } from '../stores/app';
import { useT } from '../i18n/useT';
import { ApiErrorLine } from '../components/SaleBits';

const GATEWAYS = ['wechat', 'alipay', 'unionpay', 'jeepay'] as const;

/**
 * Managers: the terminal's mode (training ↔ live, confirmed) and the live gateways. The host answers only
 * a redacted view (endpoint, merchant ids, key fingerprint); keys go in as JSON and never come back.
 */
export function GatewaysPanel() {
  const t = useT();
  const api = useApp((s) => s.api);
  const setInfo = useApp((s) => s.setInfo);
  const [view, setView] = useState<GatewaysView | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback((): Promise<void> => {
    if (!api) return Promise.resolve();
    return api.call('payment.gateways', {}).then((r) => (r.ok ? setView(r.value) : setError(r.error)));
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  const save = async (change: SetGatewaysInput): Promise<void> => {
    if (!api) return;
    setBusy(true);
    setSaved(false);
    const r = await api.call('payment.setGateways', change);
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    setView(r.value);
    setText('');
    setSaved(true);
  };

  const submitJson = (): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return setError({ code: 'VALIDATION', message: t('gateways.badJson') });
    // The host checks every field (and builds each adapter) before storing anything.
    void save(parsed as SetGatewaysInput);
  };

  const switchMode = async (): Promise<void> => {
    if (!api || !view) return;
    const mode = view.mode === 'live' ? 'sandbox' : 'live';
    if (!window.confirm(t(mode === 'live' ? 'gateways.confirmLive' : 'gateways.confirmSandbox'))) return;
    const settings = await api.call('settings.get');
    if (!settings.ok) return setError(settings.error);
    const r = await api.call('settings.update', { terminal: { ...settings.value.terminal, mode } });
    if (!r.ok) return setError(r.error);
    setError(null);
    const info = await api.call('host.info');
    if (info.ok) setInfo(info.value);
    await load();
  };

  if (!view) return <ApiErrorLine error={error} testId="gateways-error" />;
  return (
    <section className="gateways" data-testid="gateways-panel">
      <h2>{t('gateways.title')}</h2>
      <p>
        {t('gateways.mode')}: <strong data-testid="gateways-mode">{t(view.mode === 'sandbox' ? 'status.mode.sandbox' : 'status.mode.live')}</strong>{' '}
        <button type="button" data-testid="gateways-switch" onClick={() => void switchMode()}>
          {t(view.mode === 'sandbox' ? 'gateways.toLive' : 'gateways.toSandbox')}
        </button>
      </p>
      {view.problem && (
        <p className="error" role="alert" data-testid="gateways-problem">
          {t('gateways.problem')}: {view.problem}
        </p>
      )}
      <ul>
        {GATEWAYS.map((id) => {
          const g = view[id];
          return (
            <li key={id} data-testid={`gateway-${id}`} data-configured={String(g !== null)}>
              <strong>{t(`gateways.name.${id}`)}</strong>{' '}
              {g ? (
                <>
                  {g.endpoint} · {g.merchant} · {t('gateways.fingerprint')} {g.keyFingerprint}
                  {g.notes.length > 0 && ` · ${g.notes.join(', ')}`}{' '}
                  <button type="button" data-testid={`gateway-remove-${id}`} disabled={busy} onClick={() => window.confirm(t('gateways.confirmRemove')) && void save({ [id]: null } as SetGatewaysInput)}>
                    {t('gateways.remove')}
                  </button>
                </>
              ) : (
                t('gateways.none')
              )}
            </li>
          );
        })}
      </ul>
      {view.updatedAt && (
        <p>
          {t('gateways.updatedAt')}: {new Date(view.updatedAt).toLocaleString()}
        </p>
      )}
      <label className="form-row">
        <span>{t('gateways.json')}</span>
        <textarea data-testid="gateways-json" rows={6} spellCheck={false} autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="button" data-testid="gateways-save" disabled={busy || text.trim() === ''} onClick={submitJson}>
        {t('gateways.save')}
      </button>
      {saved && <p data-testid="gateways-saved">{t('gateways.saved')}</p>}
      <ApiErrorLine error={error} testId="gateways-error" />
    </section>
  );
}
