import { useEffect, useState } from 'react';
import { type UserSummary } from '../../shared/api/session';
import { useApp } from '../stores/app';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';

/**
 * A manager's approval for refunds, voids and refund retries, as the host asks for it
 * (electron/sales/authorize.ts): a manager signed in approves by their session; at a cashier's till a
 * manager picks their account and types their PIN, sent along as `authorize: { userId, pin }`.
 */

export const PIN_PATTERN = /^\d{4,8}$/;

/** The active managers a cashier can ask; empty (and not loaded) while a manager is signed in. */
export function useManagers(): UserSummary[] {
  const api = useApp((s) => s.api);
  const isManager = useApp((s) => s.session?.user.role === 'manager');
  const [managers, setManagers] = useState<UserSummary[]>([]);
  useEffect(() => {
    if (!api || isManager) return;
    let live = true;
    void api.call('users.list').then((r) => {
      if (live && r.ok) setManagers(r.value.filter((u) => u.role === 'manager' && u.active));
    });
    return () => {
      live = false;
    };
  }, [api, isManager]);
  return managers;
}

export type ManagerApproval = {
  /** A cashier is signed in: a manager's PIN is needed. */
  needsPin: boolean;
  /** Ready to send: a manager is signed in, or a manager and a well-formed PIN are filled in. */
  approved: boolean;
  /** What to send as `authorize` (only when a PIN is needed). */
  authorize: { userId: string; pin: string } | undefined;
  approver: string;
  pin: string;
  setManagerId(id: string): void;
  setPin(pin: string): void;
};

export function useManagerApproval(managers: readonly UserSummary[]): ManagerApproval {
  const isManager = useApp((s) => s.session?.user.role === 'manager');
  const [managerId, setManagerId] = useState('');
  const [pin, setPin] = useState('');
  const needsPin = !isManager;
  const approver = managerId || managers[0]?.id || '';
  const approved = !needsPin || (approver !== '' && PIN_PATTERN.test(pin));
  return { needsPin, approved, authorize: needsPin ? { userId: approver, pin } : undefined, approver, pin, setManagerId, setPin };
}

/**
 * The manager picker and PIN field (nothing when a manager is signed in). Test ids: `<prefix>-needs-manager`,
 * `<prefix>-manager`, `<prefix>-pin`.
 */
export function ManagerApprovalFields({ approval, managers, testPrefix, needsText, onEdit }: { approval: ManagerApproval; managers: readonly UserSummary[]; testPrefix: string; needsText: MessageKey; onEdit?: () => void }) {
  const t = useT();
  if (!approval.needsPin) return null;
  return (
    <>
      <span className="hint wide" data-testid={`${testPrefix}-needs-manager`}>
        {t(needsText)}
      </span>
      <select
        data-testid={`${testPrefix}-manager`}
        aria-label={t('sales.refund.manager')}
        value={approval.approver}
        onChange={(e) => {
          approval.setManagerId(e.target.value);
          onEdit?.();
        }}
      >
        {managers.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
      <input
        data-testid={`${testPrefix}-pin`}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        aria-label={t('sales.refund.pin')}
        placeholder={t('sales.refund.pin')}
        maxLength={8}
        value={approval.pin}
        onChange={(e) => {
          approval.setPin(e.target.value);
          onEdit?.();
        }}
      />
      {approval.pin !== '' && !PIN_PATTERN.test(approval.pin) && <span className="hint wide">{t('sales.refund.problem.pin')}</span>}
    </>
  );
}
