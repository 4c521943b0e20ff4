import { randomFillSync } from 'node:crypto';

/**
 * Random bytes from the OS CSPRNG, drawn from a pool refilled 4 kB at a time. Each `crypto.randomBytes`
 * call crosses into the OS for a few bytes; ids and request nonces are made several times per payment, so
 * they come from here (each byte is handed out once). Keys, salts and tokens keep using `crypto` directly.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

export function pooledRandomBytes(n: number): Buffer {
  if (n > POOL_SIZE) return randomFillSync(Buffer.alloc(n));
  if (offset + n > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  // A copy: the pool is overwritten at the next refill.
  const out = Buffer.from(pool.subarray(offset, offset + n));
  offset += n;
  return out;
}
