import { constants as fsc } from 'node:fs';
import { open as fsOpen } from 'node:fs/promises';
import { Duplex } from 'node:stream';
import { noLog, realTimers, type DeviceLog, type OwnedPort, type Timers } from '../serial/port';

/**
 * A printer behind a raw device file (`/dev/usb/lp0` from usblp, `/dev/lp0`) as an `OwnedPort`.
 *
 * - Opened read+write, non-blocking and never created (`O_RDWR | O_NONBLOCK`, no `O_CREAT`); when reading
 *   is refused it falls back to write-only and `canRead` is false (the printer then prints without the
 *   DLE EOT pre-check; see `SerialPrinter.readsStatus`).
 * - Writes loop over partial writes and `EAGAIN` (printer busy) until done or `stallMs` passed.
 * - Status replies are read back by polling the file for a short window after each write (a non-blocking
 *   read never ties up a libuv thread, and `close()` never races a blocked read).
 * - A write or read error that means the device went away (ENODEV, EIO, ENXIO, ENOENT, EPIPE) closes the
 *   port with `close(err)` and `err.disconnected === true`, so the supervisor reconnects with backoff.
 */

/** The few file operations used (a seam for tests). */
export type RawHandle = {
  write(buffer: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
};
export type OpenRaw = (path: string, flags: number) => Promise<RawHandle>;

export const openRawHandle: OpenRaw = async (path, flags) => {
  const h = await fsOpen(path, flags);
  return {
    write: (b, o, l) => h.write(b, o, l, null),
    read: (b, o, l) => h.read(b, o, l, null),
    close: () => h.close(),
  };
};

export type RawFilePortOptions = {
  path: string;
  open?: OpenRaw;
  timers?: Timers;
  log?: DeviceLog;
  /** Poll interval for status replies and for retrying a busy (EAGAIN) write. */
  pollMs?: number;
  /** How long after a write replies are looked for. */
  readWindowMs?: number;
  /** A write that makes no progress for this long fails. */
  stallMs?: number;
};

const GONE = /^(ENODEV|EIO|ENXIO|ENOENT|EPIPE|EBADF|ESHUTDOWN)$/;
const REFUSED = /^(EACCES|EPERM|EROFS|EISDIR|EINVAL)$/;
const codeOf = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');
const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

export class RawFilePort extends Duplex implements OwnedPort {
  private gone = false;
  private polling = false;
  private pollsLeft = 0;
  private pollTimer: unknown = null;
  private readonly timers: Timers;
  private readonly buf = Buffer.alloc(256);

  constructor(
    private readonly handle: RawHandle,
    readonly canRead: boolean,
    private readonly options: RawFilePortOptions,
  ) {
    super({ emitClose: false, autoDestroy: false });
    this.timers = options.timers ?? realTimers;
  }

  get isOpen(): boolean {
    return !this.gone;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    void this.writeAll(chunk).then(
      () => {
        this.watchReplies();
        cb(null);
      },
      (err: unknown) => {
        const e = asError(err);
        cb(e);
        this.fail(e);
      },
    );
  }

  drain(callback: (err: Error | null) => void): void {
    // `_write` completes only once every byte was written to the device.
    const err = this.gone ? Object.assign(new Error(`${this.options.path} is closed`), { disconnected: true }) : null;
    setImmediate(() => callback(err));
  }

  close(callback?: (err: Error | null) => void): void {
    if (this.gone) {
      callback?.(null);
      return;
    }
    this.shut(null).then(() => callback?.(null), (err: unknown) => callback?.(asError(err)));
  }

  private async writeAll(chunk: Buffer): Promise<void> {
    let off = 0;
    let stalled = 0;
    const pollMs = this.options.pollMs ?? 20;
    while (off < chunk.length) {
      if (this.gone) throw Object.assign(new Error(`${this.options.path} is closed`), { disconnected: true });
      let n = 0;
      try {
        n = (await this.handle.write(chunk, off, chunk.length - off)).bytesWritten;
      } catch (err) {
        if (codeOf(err) !== 'EAGAIN') throw err;
      }
      off += n;
      if (n > 0) stalled = 0;
      else {
        stalled += pollMs;
        if (stalled > (this.options.stallMs ?? 30_000)) throw new Error(`${this.options.path}: the printer takes no data (busy for ${stalled} ms)`);
        await new Promise<void>((resolve) => this.timers.setTimeout(resolve, pollMs));
      }
    }
  }

  /** Looks for replies for a while after a write (DLE EOT answers arrive within a few ms). */
  private watchReplies(): void {
    if (!this.canRead || this.gone) return;
    const pollMs = this.options.pollMs ?? 20;
    this.pollsLeft = Math.max(1, Math.ceil((this.options.readWindowMs ?? 1_000) / pollMs));
    if (!this.polling) void this.poll();
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      while (!this.gone && this.pollsLeft > 0) {
        let n = 0;
        try {
          n = (await this.handle.read(this.buf, 0, this.buf.length)).bytesRead;
        } catch (err) {
          if (codeOf(err) !== 'EAGAIN') throw err;
        }
        if (this.gone) return;
        if (n > 0) {
          this.push(Buffer.from(this.buf.subarray(0, n)));
          continue;
        }
        this.pollsLeft--;
        if (this.pollsLeft > 0) await new Promise<void>((resolve) => (this.pollTimer = this.timers.setTimeout(resolve, this.options.pollMs ?? 20)));
        this.pollTimer = null;
      }
    } catch (err) {
      this.fail(asError(err));
    } finally {
      this.polling = false;
    }
  }

  private fail(err: Error): void {
    if (this.gone) return;
    if (GONE.test(codeOf(err))) Object.assign(err, { disconnected: true });
    (this.options.log ?? noLog)('warn', 'printer device file failed', { path: this.options.path, error: err.message });
    void this.shut(err);
  }

  private async shut(err: Error | null): Promise<void> {
    this.gone = true;
    if (this.pollTimer !== null) this.timers.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.push(null);
    try {
      await this.handle.close();
    } catch {
      // already gone
    }
    this.emit('close', err);
  }
}

/**
 * Opens the device file read+write, falling back to write-only when reading is refused. Never creates a
 * file: a missing device rejects with ENOENT (the supervisor shows "reconnecting" and retries).
 */
export async function openRawFilePort(options: RawFilePortOptions): Promise<RawFilePort> {
  const open = options.open ?? openRawHandle;
  try {
    return new RawFilePort(await open(options.path, fsc.O_RDWR | fsc.O_NONBLOCK), true, options);
  } catch (err) {
    if (!REFUSED.test(codeOf(err))) throw err;
  }
  return new RawFilePort(await open(options.path, fsc.O_WRONLY | fsc.O_NONBLOCK), false, options);
}
