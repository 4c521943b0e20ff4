import { useEffect, useState, type ReactNode } from 'react';
import { type Role } from '../../shared/api/common';
import { type UserSummary } from '../../shared/api/session';
import { clearUsersError, createUser, refreshUsers, setUserActive, setUserPin, useUsers } from '../stores/users';
import { checkNewUser, checkPins, type NewUserField, type NewUserValues, type PinField, type PinValues } from '../stores/users-form';
import { useApp } from '../stores/app';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { fill } from '../i18n/messages-sales';

function Field({ label, error, testId, children }: { label: string; error: MessageKey | undefined; testId: string; children: ReactNode }) {
  const t = useT();
  return (
    <>
      <label className="form-row">
        <span>{label}</span>
        {children}
      </label>
      {error && (
        <p className="error" role="alert" data-testid={testId}>
          {t(error)}
        </p>
      )}
    </>
  );
}

/** A PIN field: masked, digits only on touch keyboards, never autofilled. */
function PinInput({ testId, value, onChange }: { testId: string; value: string; onChange: (v: string) => void }) {
  return <input data-testid={testId} type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={value} onChange={(e) => onChange(e.target.value)} />;
}

/** The host's last error, in words, with its stable code. */
function HostError() {
  const t = useT();
  const error = useUsers((s) => s.error);
  if (!error) return null;
  return (
    <p className="error" role="alert" data-testid="users-error" data-code={error.code}>
      {t(`error.${error.code}`)} — {error.message}
    </p>
  );
}

/** New PIN for one user, typed twice; cleared after every submit. */
function PinForm({ user, onDone }: { user: UserSummary; onDone: (changed: boolean) => void }) {
  const t = useT();
  const busy = useUsers((s) => s.busy);
  const [form, setForm] = useState<PinValues>({ pin: '', pin2: '' });
  const [errors, setErrors] = useState<Partial<Record<PinField, MessageKey>>>({});
  const set = (key: PinField, value: string): void => {
    setErrors((e) => ({ ...e, [key]: undefined }));
    setForm((f) => ({ ...f, [key]: value }));
  };
  const submit = async (): Promise<void> => {
    const check = checkPins(form);
    setForm({ pin: '', pin2: '' });
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors({});
    if (await setUserPin(user.id, check.input.pin)) onDone(true);
  };
  return (
    <form
      className="pin-form"
      data-testid="user-pin-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{fill(t('users.setPin.title'), { name: user.name })}</h3>
      <Field label={t('users.new.pin')} error={errors.pin} testId="user-pin-error-pin">
        <PinInput testId="user-pin" value={form.pin} onChange={(v) => set('pin', v)} />
      </Field>
      <Field label={t('users.new.pin2')} error={errors.pin2} testId="user-pin-error-pin2">
        <PinInput testId="user-pin2" value={form.pin2} onChange={(v) => set('pin2', v)} />
      </Field>
      <button type="submit" data-testid="user-pin-save" disabled={busy}>
        {t('users.setPin.save')}
      </button>
      <button type="button" data-testid="user-pin-cancel" onClick={() => onDone(false)}>
        {t('users.setPin.cancel')}
      </button>
    </form>
  );
}

const EMPTY: NewUserValues = { id: '', name: '', role: 'cashier', pin: '', pin2: '' };

function NewUserForm() {
  const t = useT();
  const busy = useUsers((s) => s.busy);
  const [form, setForm] = useState<NewUserValues>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<NewUserField, MessageKey>>>({});
  const [done, setDone] = useState<UserSummary | null>(null);
  const set = <K extends NewUserField>(key: K, value: NewUserValues[K]): void => {
    setDone(null);
    setErrors((e) => ({ ...e, [key]: undefined }));
    setForm((f) => ({ ...f, [key]: value }));
  };
  const submit = async (): Promise<void> => {
    setDone(null);
    const check = checkNewUser(form);
    // The PINs leave the form on every submit, accepted or not.
    setForm((f) => ({ ...f, pin: '', pin2: '' }));
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors({});
    const user = await createUser(check.input);
    if (user) {
      setForm(EMPTY);
      setDone(user);
    }
  };
  return (
    <form
      className="users-form"
      data-testid="user-new-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('users.new.title')}</h3>
      <Field label={t('users.new.id')} error={errors.id} testId="user-new-error-id">
        <input data-testid="user-new-id" value={form.id} maxLength={32} placeholder={t('users.new.idHint')} onChange={(e) => set('id', e.target.value)} />
      </Field>
      <Field label={t('users.new.name')} error={errors.name} testId="user-new-error-name">
        <input data-testid="user-new-name" value={form.name} maxLength={64} onChange={(e) => set('name', e.target.value)} />
      </Field>
      <Field label={t('users.new.role')} error={undefined} testId="user-new-error-role">
        <select data-testid="user-new-role" value={form.role} onChange={(e) => set('role', e.target.value === 'manager' ? 'manager' : ('cashier' satisfies Role))}>
          <option value="cashier">{t('role.cashier')}</option>
          <option value="manager">{t('role.manager')}</option>
        </select>
      </Field>
      <Field label={t('users.new.pin')} error={errors.pin} testId="user-new-error-pin">
        <PinInput testId="user-new-pin" value={form.pin} onChange={(v) => set('pin', v)} />
      </Field>
      <Field label={t('users.new.pin2')} error={errors.pin2} testId="user-new-error-pin2">
        <PinInput testId="user-new-pin2" value={form.pin2} onChange={(v) => set('pin2', v)} />
      </Field>
      <button type="submit" data-testid="user-create" disabled={busy}>
        {t('users.new.submit')}
      </button>
      {done && <p data-testid="user-created">{fill(t('users.new.done'), { name: done.name, id: done.id })}</p>}
    </form>
  );
}

/** Managers: every account with its role and state; add one, give one a new PIN, (de)activate others. */
export function Users() {
  const t = useT();
  const users = useUsers((s) => s.users);
  const loaded = useUsers((s) => s.loaded);
  const busy = useUsers((s) => s.busy);
  const me = useApp((s) => s.session?.user.id);
  const [pinFor, setPinFor] = useState<UserSummary | null>(null);
  const [pinDone, setPinDone] = useState<string | null>(null);

  useEffect(() => {
    clearUsersError();
    void refreshUsers();
  }, []);

  return (
    <main className="users" data-testid="users">
      <h2>{t('users.title')}</h2>
      <button type="button" data-testid="users-refresh" onClick={() => void refreshUsers()}>
        {t('users.refresh')}
      </button>
      <HostError />
      {!loaded && <p className="hint">{t('users.loading')}</p>}
      <table className="users-list">
        <thead>
          <tr>
            <th>{t('users.col.id')}</th>
            <th>{t('users.col.name')}</th>
            <th>{t('users.col.role')}</th>
            <th>{t('users.col.active')}</th>
            <th>{t('users.col.actions')}</th>
          </tr>
        </thead>
        <tbody data-testid="user-list">
          {users.map((u) => (
            <tr key={u.id} data-testid="user-row" data-user-id={u.id} data-user-name={u.name} data-active={String(u.active)}>
              <td>
                <code data-testid="user-id">{u.id}</code>
              </td>
              <td data-testid="user-name">
                {u.name}
                {u.id === me && t('users.you')}
              </td>
              <td data-testid="user-role">{t(u.role === 'manager' ? 'role.manager' : 'role.cashier')}</td>
              <td data-testid="user-active">{t(u.active ? 'users.active' : 'users.inactive')}</td>
              <td>
                <button
                  type="button"
                  data-testid="user-set-pin"
                  onClick={() => {
                    clearUsersError();
                    setPinDone(null);
                    setPinFor(u);
                  }}
                >
                  {t('users.setPin')}
                </button>
                {u.id !== me && (
                  <button type="button" data-testid="user-toggle-active" disabled={busy} onClick={() => void setUserActive(u.id, !u.active)}>
                    {t(u.active ? 'users.deactivate' : 'users.activate')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pinFor && (
        <PinForm
          key={pinFor.id}
          user={pinFor}
          onDone={(changed) => {
            if (changed) setPinDone(pinFor.name);
            setPinFor(null);
          }}
        />
      )}
      {pinDone && <p data-testid="user-pin-done">{fill(t('users.setPin.done'), { name: pinDone })}</p>}
      <NewUserForm />
    </main>
  );
}
