import { useState, type ReactNode } from 'react';
import { type SyncSettings } from '../../shared/sync/settings';
import { configureSync, useSync } from '../stores/sync';
import { checkSyncForm, msToSeconds, type SyncFormField, type SyncFormValues } from '../stores/sync-form';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';

const fromSettings = (s: SyncSettings): SyncFormValues => ({ hqUrl: s.hqUrl, secret: '', batchSize: String(s.batchSize), intervalSeconds: msToSeconds(s.intervalMs) });

function Field({ label, error, field, children }: { label: string; error: MessageKey | undefined; field: SyncFormField; children: ReactNode }) {
  const t = useT();
  return (
    <>
      <label className="form-row">
        <span>{label}</span>
        {children}
      </label>
      {error && (
        <p className="error" role="alert" data-testid={`sync-error-${field}`}>
          {t(error)}
        </p>
      )}
    </>
  );
}

/**
 * Managers: HQ URL, the terminal's secret (write-only: the host only says whether one is set), batch size
 * and interval. Checked here field by field, then by the host; saving starts a sync pass and a probe.
 */
export function SyncForm() {
  const t = useT();
  const saved = useSync((s) => s.settings);
  const secretSet = useSync((s) => s.status?.secretSet ?? false);
  const saving = useSync((s) => s.saving);
  const [form, setForm] = useState<SyncFormValues>(() => fromSettings(saved));
  const [errors, setErrors] = useState<Partial<Record<SyncFormField, MessageKey>>>({});
  const [done, setDone] = useState(false);

  // Saved settings changed (here or in another window): start over from them.
  const [base, setBase] = useState(saved);
  if (base !== saved) {
    setBase(saved);
    setForm(fromSettings(saved));
  }

  const set = (key: SyncFormField, value: string): void => {
    setDone(false);
    setErrors((e) => ({ ...e, [key]: undefined }));
    setForm((f) => ({ ...f, [key]: value }));
  };

  const submit = async (): Promise<void> => {
    setDone(false);
    const check = checkSyncForm(form, secretSet);
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors({});
    if (await configureSync(check.input)) {
      setForm((f) => ({ ...f, secret: '' }));
      setDone(true);
    }
  };

  return (
    <form
      className="sync-form"
      data-testid="sync-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('sync.form.title')}</h3>
      <Field label={t('sync.form.hqUrl')} error={errors.hqUrl} field="hqUrl">
        <input data-testid="sync-hqUrl" type="url" value={form.hqUrl} placeholder="https://hq.example.com" onChange={(e) => set('hqUrl', e.target.value)} />
      </Field>
      <Field label={t('sync.form.secret')} error={errors.secret} field="secret">
        <input data-testid="sync-secret" type="password" autoComplete="new-password" value={form.secret} onChange={(e) => set('secret', e.target.value)} />
        <small data-testid="sync-secret-state" data-set={String(secretSet)}>
          {t(secretSet ? 'sync.form.secretSet' : 'sync.form.secretNotSet')}
        </small>
      </Field>
      <Field label={t('sync.form.batchSize')} error={errors.batchSize} field="batchSize">
        <input data-testid="sync-batchSize" inputMode="numeric" value={form.batchSize} onChange={(e) => set('batchSize', e.target.value)} />
      </Field>
      <Field label={t('sync.form.interval')} error={errors.intervalSeconds} field="intervalSeconds">
        <input data-testid="sync-interval" inputMode="decimal" value={form.intervalSeconds} onChange={(e) => set('intervalSeconds', e.target.value)} />
      </Field>
      <button type="submit" data-testid="sync-save" disabled={saving}>
        {t('sync.form.save')}
      </button>
      {done && <p data-testid="sync-saved">{t('sync.form.saved')}</p>}
    </form>
  );
}
