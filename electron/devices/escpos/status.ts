/**
 * Printer status: DLE EOT real-time requests, their one-byte replies, and Automatic Status Back frames.
 *
 * Bit layout (Epson ESC/POS, HARDWARE.md):
 * - DLE EOT replies all match 0xx1xx10 (bits 1 and 4 set, 0 and 7 clear).
 *   n=1 printer: bit 3 offline. n=2 offline cause: bit 2 cover open, bit 5 paper end stop, bit 6 error.
 *   n=4 roll paper: bits 2-3 near end, bits 5-6 paper end.
 * - ASB: 4 bytes; byte 1 matches 0xx1xx00 (bit 3 offline, bit 5 cover open), bytes 2-4 match 0xx0xxxx;
 *   byte 2: bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable error;
 *   byte 3: bits 0-1 paper near end, bits 2-3 paper end. XON/XOFF may appear between ASB bytes.
 * Anything that does not match its fixed bits is garbage and yields an 'unknown' status, never a throw.
 */

const DLE = 0x10;
const EOT = 0x04;
const XON = 0x11;
const XOFF = 0x13;

export type StatusRequest = 1 | 2 | 4;

/** `DLE EOT n`. Send only between commands, never inside another command's parameters. */
export function statusRequest(n: StatusRequest): Buffer {
  return Buffer.from([DLE, EOT, n]);
}

export type PrinterStatus = {
  online: boolean;
  coverOpen: boolean;
  paperEnd: boolean;
  paperNearEnd: boolean;
  error: boolean;
};

export type StatusReading = ({ known: true } & PrinterStatus) | { known: false; reason: string };

/** Whether a byte has the fixed bits of a DLE EOT reply. */
export function isRealtimeReply(b: number): boolean {
  return (b & 0x93) === 0x12;
}
/** Whether a byte can start an ASB frame. */
export function isAsbFirstByte(b: number): boolean {
  return (b & 0x93) === 0x10;
}

const bit = (b: number, n: number): boolean => ((b >> n) & 1) === 1;

export type RealtimeReplies = { printer?: number; offline?: number; paper?: number };

/**
 * Combines the replies to DLE EOT 1, 2 and 4 (any may be missing: a printer that answered n=1 but not
 * the others is still known to be online or offline; the missing parts count as fine).
 */
export function parseRealtimeReplies(r: RealtimeReplies): StatusReading {
  if (r.printer === undefined) return { known: false, reason: 'no reply to DLE EOT 1' };
  for (const [name, value] of Object.entries(r)) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 255 && isRealtimeReply(value))) {
      return { known: false, reason: `garbage reply to the ${name} status request: 0x${Number(value).toString(16)}` };
    }
  }
  const offline = r.offline ?? 0;
  const paper = r.paper ?? 0;
  return {
    known: true,
    online: !bit(r.printer, 3),
    coverOpen: bit(offline, 2),
    paperEnd: bit(offline, 5) || (bit(paper, 5) && bit(paper, 6)),
    paperNearEnd: bit(paper, 2) && bit(paper, 3),
    error: bit(offline, 6),
  };
}

/** Parses a 4-byte Automatic Status Back frame. */
export function parseAsbFrame(frame: Uint8Array): StatusReading {
  if (frame.length !== 4) return { known: false, reason: `ASB frame of ${frame.length} bytes (expected 4)` };
  const [b1 = 0, b2 = 0, b3 = 0, b4 = 0] = frame;
  if (!isAsbFirstByte(b1) || [b2, b3, b4].some((b) => (b & 0x90) !== 0)) {
    return { known: false, reason: `not an ASB frame: ${[...frame].map((b) => b.toString(16).padStart(2, '0')).join(' ')}` };
  }
  return {
    known: true,
    online: !bit(b1, 3),
    coverOpen: bit(b1, 5),
    paperEnd: bit(b3, 2) && bit(b3, 3),
    paperNearEnd: bit(b3, 0) && bit(b3, 1),
    error: bit(b2, 3) || bit(b2, 5) || bit(b2, 6),
  };
}

/** Why a printer cannot print right now, or null when it can. */
export function blockingReason(s: StatusReading): 'offline' | 'paper-end' | 'cover-open' | 'error' | 'unknown' | null {
  if (!s.known) return 'unknown';
  if (s.coverOpen) return 'cover-open';
  if (s.paperEnd) return 'paper-end';
  if (s.error) return 'error';
  if (!s.online) return 'offline';
  return null;
}

export type StatusStreamItem = { kind: 'realtime'; byte: number } | { kind: 'asb'; status: StatusReading } | { kind: 'garbage'; byte: number };

/**
 * Splits the printer → host byte stream into real-time replies, ASB frames and garbage bytes.
 * Stateful across chunks (an ASB frame may arrive split); XON/XOFF flow-control bytes are skipped.
 */
export class StatusStreamParser {
  private asb: number[] | null = null;

  push(chunk: Uint8Array): StatusStreamItem[] {
    const out: StatusStreamItem[] = [];
    for (const b of chunk) {
      if (b === XON || b === XOFF) continue;
      if (this.asb) {
        if ((b & 0x90) === 0) {
          this.asb.push(b);
          if (this.asb.length === 4) {
            out.push({ kind: 'asb', status: parseAsbFrame(Uint8Array.from(this.asb)) });
            this.asb = null;
          }
          continue;
        }
        // Broken frame: report it, then treat this byte afresh.
        for (const g of this.asb) out.push({ kind: 'garbage', byte: g });
        this.asb = null;
      }
      if (isRealtimeReply(b)) out.push({ kind: 'realtime', byte: b });
      else if (isAsbFirstByte(b)) this.asb = [b];
      else out.push({ kind: 'garbage', byte: b });
    }
    return out;
  }
}
