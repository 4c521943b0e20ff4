import { stmt } from '../db/stmt';
import { type Db } from '../db/open';
import { type Clock, isoAt } from '../clock';
import { uuidv7 } from '../ids';
import { appendAudit } from './audit';
import { hashPin, verifyPin } from './pin-hash';
import { PosError } from '../../shared/api/result';
import { type Role } from '../../shared/api/common';
import { type UserSummary } from '../../shared/api/session';

type UserRow = { id: string; name: string; role: Role; pin_hash: string; active: number; failed_attempts: number; locked_until: string | null };

const summary = (row: UserRow): UserSummary => ({ id: row.id, name: row.name, role: row.role, active: row.active === 1 });

const getRow = (db: Db, id: string): UserRow | undefined => stmt(db, 'SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;

export function listUsers(db: Db): UserSummary[] {
  return (db.prepare("SELECT * FROM users ORDER BY role = 'manager' DESC, name").all() as UserRow[]).map(summary);
}

export const countUsers = (db: Db): number => (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;

export function createUser(db: Db, clock: Clock, actor: string | null, input: { name: string; role: Role; pin: string; id?: string }): UserSummary {
  const id = input.id ?? uuidv7(clock.now());
  if (getRow(db, id)) throw new PosError('CONFLICT', `a user with id ${id} already exists`);
  const pinHash = hashPin(input.pin); // slow: outside the transaction
  db.transaction(() => {
    db.prepare('INSERT INTO users (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(id, input.name, input.role, pinHash, isoAt(clock));
    appendAudit(db, isoAt(clock), actor, 'user.create', { userId: id, role: input.role });
  })();
  return summary(getRow(db, id) as UserRow);
}

export function setUserPin(db: Db, clock: Clock, actor: string, userId: string, pin: string): void {
  if (!getRow(db, userId)) throw new PosError('NOT_FOUND', `no user ${userId}`);
  const pinHash = hashPin(pin);
  db.transaction(() => {
    db.prepare('UPDATE users SET pin_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?').run(pinHash, userId);
    appendAudit(db, isoAt(clock), actor, 'user.setPin', { userId });
  })();
}

export function setUserActive(db: Db, clock: Clock, actor: string, userId: string, active: boolean): UserSummary {
  const row = getRow(db, userId);
  if (!row) throw new PosError('NOT_FOUND', `no user ${userId}`);
  // Signing oneself out for good is never what was meant (the screen does not offer it either).
  if (!active && actor === userId) throw new PosError('INVALID_STATE', 'you cannot deactivate your own account');
  if (!active && row.role === 'manager') {
    const managers = (db.prepare("SELECT count(*) AS n FROM users WHERE role = 'manager' AND active = 1").get() as { n: number }).n;
    if (managers <= 1) throw new PosError('INVALID_STATE', 'cannot deactivate the last active manager');
  }
  db.transaction(() => {
    db.prepare('UPDATE users SET active = ? WHERE id = ?').run(active ? 1 : 0, userId);
    appendAudit(db, isoAt(clock), actor, active ? 'user.activate' : 'user.deactivate', { userId });
  })();
  return summary(getRow(db, userId) as UserRow);
}

export type PinPolicy = { maxPinFailures: number; lockoutSeconds: number };

/**
 * Checks a PIN with lockout: after `maxPinFailures` wrong PINs in a row the account is locked for
 * `lockoutSeconds`. Every failure, lockout and success is audited. The error never says whether the
 * user exists, only that the PIN is wrong.
 */
export function checkPin(db: Db, clock: Clock, policy: PinPolicy, userId: string, pin: string, purpose: 'login' | 'authorize'): UserSummary {
  const row = getRow(db, userId);
  const at = isoAt(clock);
  if (!row || row.active !== 1) {
    appendAudit(db, at, null, `${purpose}.failed`, { userId, reason: row ? 'inactive' : 'unknown user' });
    throw new PosError('PIN_INVALID', 'wrong user or PIN');
  }
  if (row.locked_until && Date.parse(row.locked_until) > clock.now()) {
    const seconds = Math.ceil((Date.parse(row.locked_until) - clock.now()) / 1000);
    appendAudit(db, at, userId, `${purpose}.refused`, { reason: 'locked' });
    throw new PosError('LOCKED_OUT', `too many wrong PINs: locked for ${seconds} more seconds`);
  }
  if (!verifyPin(pin, row.pin_hash)) {
    const failures = row.failed_attempts + 1;
    const lock = failures >= policy.maxPinFailures;
    db.transaction(() => {
      db.prepare('UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?').run(
        lock ? 0 : failures,
        lock ? new Date(clock.now() + policy.lockoutSeconds * 1000).toISOString() : null,
        userId,
      );
      appendAudit(db, at, userId, `${purpose}.failed`, { failures });
      if (lock) appendAudit(db, at, userId, 'user.lockout', { seconds: policy.lockoutSeconds });
    })();
    if (lock) throw new PosError('LOCKED_OUT', `too many wrong PINs: locked for ${policy.lockoutSeconds} seconds`);
    const left = policy.maxPinFailures - failures;
    throw new PosError('PIN_INVALID', `wrong user or PIN (${left} ${left === 1 ? 'try' : 'tries'} left before lockout)`);
  }
  db.transaction(() => {
    db.prepare('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(userId);
    appendAudit(db, at, userId, `${purpose}.ok`, {});
  })();
  return summary(row);
}
