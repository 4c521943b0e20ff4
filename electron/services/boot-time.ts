import os from 'node:os';

/**
 * When the operating system booted, in ms since the epoch (wall clock minus uptime; uptime counts time
 * asleep on Linux, macOS and Windows, so this stays put for the life of one boot, give or take clock
 * adjustments). A different value at the next start means the machine restarted, and writes the OS had
 * not yet flushed to disk may be gone.
 */
export function osBootTimeMs(): number {
  return Math.round(Date.now() - os.uptime() * 1000);
}
