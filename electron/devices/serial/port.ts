import { type Duplex } from 'node:stream';

/**
 * What the scanner and printer drivers need from an opened port: a serialport 13 `SerialPort`,
 * a `SerialPortMock` in unit tests, or any duplex stream with `drain`.
 */
export type PortLike = Pick<Duplex, 'on' | 'off' | 'write'> & {
  drain(callback: (err: Error | null) => void): void;
  /**
   * False when nothing can be read back (a raw device file opened write-only): the printer then prints
   * without the DLE EOT pre-check and its status is unknown. Absent means readable (serial, TCP).
   */
  readonly canRead?: boolean;
};

/** What the supervisor needs on top: it owns the handle's lifetime. */
export type OwnedPort = PortLike & {
  readonly isOpen: boolean;
  close(callback?: (err: Error | null) => void): void;
};

export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A device log line; the host routes it to its secret-masking logger. */
export type DeviceLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
export const noLog: DeviceLog = () => undefined;
