import { describe, expect, it } from 'vitest';
import { checkNewUser, checkPins } from './users-form';

describe('users form', () => {
  it('turns a valid form into users.create input (name trimmed)', () => {
    expect(checkNewUser({ id: '', name: '  张三 ', role: 'cashier', pin: '2468', pin2: '2468' })).toEqual({ ok: true, input: { name: '张三', role: 'cashier', pin: '2468' } });
    expect(checkNewUser({ id: '', name: 'Li', role: 'manager', pin: '12345678', pin2: '12345678' })).toMatchObject({ ok: true, input: { role: 'manager' } });
  });

  it('refuses a mismatched confirmation, a PIN that is not 4–8 digits and an empty or too long name', () => {
    expect(checkNewUser({ id: '', name: '张三', role: 'cashier', pin: '2468', pin2: '2469' })).toEqual({ ok: false, errors: { pin2: 'users.error.pinMismatch' } });
    expect(checkNewUser({ id: '', name: ' ', role: 'cashier', pin: '123', pin2: '123' })).toEqual({ ok: false, errors: { name: 'users.error.name', pin: 'users.error.pin' } });
    expect(checkNewUser({ id: '', name: 'x'.repeat(65), role: 'cashier', pin: '1234', pin2: '1234' })).toEqual({ ok: false, errors: { name: 'users.error.name' } });
    for (const pin of ['', '123', '123456789', '12a4', ' 1234', '１２３４']) expect(checkPins({ pin, pin2: pin })).toEqual({ ok: false, errors: { pin: 'users.error.pin' } });
  });

  it('checks a new PIN typed twice', () => {
    expect(checkPins({ pin: '0000', pin2: '0000' })).toEqual({ ok: true, input: { pin: '0000' } });
    expect(checkPins({ pin: '0000', pin2: '' })).toEqual({ ok: false, errors: { pin2: 'users.error.pinMismatch' } });
  });

  it('takes an optional staff id (工号), trimmed; refuses one with other characters', () => {
    expect(checkNewUser({ id: ' c01 ', name: '张三', role: 'cashier', pin: '2468', pin2: '2468' })).toEqual({ ok: true, input: { id: 'c01', name: '张三', role: 'cashier', pin: '2468' } });
    expect(checkNewUser({ id: 'c 01', name: '张三', role: 'cashier', pin: '2468', pin2: '2468' })).toEqual({ ok: false, errors: { id: 'users.error.id' } });
  });
});
