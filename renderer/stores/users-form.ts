import { nameSchema, pinSchema, type Role, staffIdSchema } from '../../shared/api/common';
import { type MessageKey } from '../i18n/messages';

/**
 * The manager's user forms as typed, checked before anything is sent (the host checks again with the same
 * zod schemas). The PIN is typed twice; the two must match. Nothing here keeps a PIN.
 */
/** `id` is the optional staff id (工号); empty = the host assigns one. */
export type NewUserValues = { id: string; name: string; role: Role; pin: string; pin2: string };
export type NewUserField = keyof NewUserValues;
export type PinValues = { pin: string; pin2: string };
export type PinField = keyof PinValues;

export type FormCheck<F extends string, T> = { ok: true; input: T } | { ok: false; errors: Partial<Record<F, MessageKey>> };

/** PIN + confirmation: the schema's rule (4–8 digits) first, then the match. */
export function checkPins(values: PinValues): FormCheck<PinField, { pin: string }> {
  if (!pinSchema.safeParse(values.pin).success) return { ok: false, errors: { pin: 'users.error.pin' } };
  if (values.pin2 !== values.pin) return { ok: false, errors: { pin2: 'users.error.pinMismatch' } };
  return { ok: true, input: { pin: values.pin } };
}

export type NewUserInput = { id?: string; name: string; role: Role; pin: string };

export function checkNewUser(values: NewUserValues): FormCheck<NewUserField, NewUserInput> {
  const errors: Partial<Record<NewUserField, MessageKey>> = {};
  const id = values.id.trim() === '' ? undefined : staffIdSchema.safeParse(values.id);
  if (id && !id.success) errors.id = 'users.error.id';
  const name = nameSchema.safeParse(values.name);
  if (!name.success) errors.name = 'users.error.name';
  const pins = checkPins(values);
  if (!pins.ok) Object.assign(errors, pins.errors);
  if (!name.success || !pins.ok || (id && !id.success)) return { ok: false, errors };
  return { ok: true, input: { ...(id?.success ? { id: id.data } : {}), name: name.data, role: values.role, pin: pins.input.pin } };
}
