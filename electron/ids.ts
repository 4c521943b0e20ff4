import { pooledRandomBytes } from './random';

let lastMs = -1;
let counter = 0;

/**
 * UUIDv7 (RFC 9562): time-ordered, so ids sort by creation and index well, and random enough to never
 * collide across terminals. Generated on the terminal, never reused. Ids made in the same millisecond keep
 * their order too: the 12 bits after the version are a counter (RFC 9562 §6.2, method 1) that starts at a
 * random value below 2048 in each new millisecond and counts up within it; the last 62 bits stay random.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = pooledRandomBytes(16);
  const ms = Math.floor(nowMs);
  if (ms === lastMs && counter < 0xfff) counter++;
  else {
    lastMs = ms;
    counter = (((bytes[6] ?? 0) & 0x07) << 8) | (bytes[7] ?? 0);
  }
  // 48-bit big-endian milliseconds (exact in a double).
  let ts = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
