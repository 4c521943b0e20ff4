import { pooledRandomBytes } from './random';

/**
 * UUIDv7 (RFC 9562): time-ordered, so ids sort by creation and index well, and random enough to never
 * collide across terminals. Generated on the terminal, never reused.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = pooledRandomBytes(16);
  // 48-bit big-endian milliseconds (exact in a double).
  let ts = Math.floor(nowMs);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
