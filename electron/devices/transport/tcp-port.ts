import { connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { realTimers, type OwnedPort, type Timers } from '../serial/port';

/**
 * A network ESC/POS printer (raw TCP, usually port 9100) as an `OwnedPort`, so the supervisor and
 * `SerialPrinter` drive it exactly like a serial port: job bytes go out on the socket and DLE EOT replies
 * come back on it. The socket closing (printer off, cable pulled, reset) emits `close` with an error whose
 * `disconnected` is true, which makes the supervisor reconnect with its backoff; `close()` emits `close`
 * without an error.
 */

export type TcpPortOptions = {
  host: string;
  port: number;
  /** Give up connecting after this long (a printer that is off often swallows SYNs). */
  connectTimeoutMs?: number;
  /** TCP keep-alive initial delay, so a silently vanished printer is noticed while idle. */
  keepAliveMs?: number;
  timers?: Timers;
};

/** Network errors that mean "the printer is not reachable (yet)": reconnect, do not call it a config error. */
const ABSENT = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN|EPIPE|ECONNABORTED)$/;

function asDisconnect(err: Error & { code?: string }): Error {
  if (err.code !== undefined && ABSENT.test(err.code)) Object.assign(err, { disconnected: true });
  return err;
}

export class TcpPrinterPort extends Duplex implements OwnedPort {
  private gone = false;
  private closedByUs = false;
  private lastError: Error | null = null;

  constructor(
    private readonly socket: Socket,
    readonly label: string,
  ) {
    // We emit `close` ourselves, with the serialport meaning (an error when the far end went away).
    super({ emitClose: false, autoDestroy: false, allowHalfOpen: false });
    socket.on('data', (chunk: Buffer) => this.push(chunk));
    socket.on('error', (err: Error) => {
      this.lastError = asDisconnect(err);
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    socket.on('close', () => this.finish());
  }

  get isOpen(): boolean {
    return !this.gone;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.gone) return cb(Object.assign(new Error(`${this.label}: connection closed`), { disconnected: true }));
    // The callback fires once the kernel took the bytes, so `drain` has nothing left to wait for.
    this.socket.write(chunk, (err) => cb(err ? asDisconnect(err) : null));
  }

  drain(callback: (err: Error | null) => void): void {
    const err = this.gone ? Object.assign(new Error(`${this.label}: connection closed`), { disconnected: true }) : null;
    setImmediate(() => callback(err));
  }

  close(callback?: (err: Error | null) => void): void {
    if (this.gone) {
      callback?.(null);
      return;
    }
    this.closedByUs = true;
    this.socket.once('close', () => callback?.(null));
    this.socket.destroy();
  }

  private finish(): void {
    if (this.gone) return;
    this.gone = true;
    this.push(null);
    const err = this.closedByUs ? null : (this.lastError ?? Object.assign(new Error(`${this.label}: the printer closed the connection`), { disconnected: true }));
    this.emit('close', err);
  }
}

/** Connects (with a timeout) and resolves with the port; rejects with the reason otherwise. */
export function openTcpPort(options: TcpPortOptions): Promise<TcpPrinterPort> {
  const timers = options.timers ?? realTimers;
  const label = `tcp://${options.host}:${options.port}`;
  const timeoutMs = options.connectTimeoutMs ?? 3_000;
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: options.host, port: options.port });
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = timers.setTimeout(
      () => fail(Object.assign(new Error(`${label}: no connection within ${timeoutMs} ms`), { code: 'ETIMEDOUT', disconnected: true })),
      timeoutMs,
    );
    socket.once('error', (err: Error) => fail(asDisconnect(Object.assign(err, { message: `${label}: ${err.message}` }))));
    socket.once('connect', () => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, options.keepAliveMs ?? 10_000);
      resolve(new TcpPrinterPort(socket, label));
    });
  });
}
