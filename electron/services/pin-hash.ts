import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** scrypt parameters stored with each hash so they can be raised later without breaking old PINs. */
const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(pin, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts;
  const expected = Buffer.from(keyB64 ?? '', 'base64');
  const actual = scryptSync(pin, Buffer.from(saltB64 ?? '', 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return expected.length > 0 && timingSafeEqual(actual, expected);
}
