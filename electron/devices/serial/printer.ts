import { blockingReason, statusRequest, StatusStreamParser, parseRealtimeReplies, type StatusReading, type StatusRequest } from '../escpos/status';
import { noLog, realTimers, type DeviceLog, type PortLike, type Timers } from './port';

/**
 * An ESC/POS printer on an opened serial port.
 *
 * `print(job)` first asks DLE EOT 1/2/4 (one at a time, each with a reply timeout; never in the middle of
 * a job, since every operation is queued), refuses to print when the printer is offline, out of paper,
 * has its cover open, reports an error or does not answer, and otherwise writes the job and waits until it
 * has left the serial buffer. The caller keeps refused jobs queued and shows the reason. Unsolicited
 * Automatic Status Back frames are reported through `onStatus`.
 */

export type PrinterProblem = 'offline' | 'paper-end' | 'cover-open' | 'error' | 'unknown';

export type PrintOutcome =
  | { ok: true; status: StatusReading }
  | { ok: false; reason: PrinterProblem; message: string; status: StatusReading }
  | { ok: false; reason: 'write-failed'; message: string };

/** `problem`: what kept the printer from printing, so the real-time pulse was sent (null: ESC p). */
export type DrawerOutcome = { ok: true; problem: string | null } | { ok: false; message: string };

export type SerialPrinterOptions = {
  deviceId: string;
  /** How long to wait for each DLE EOT reply (the printer answers within a few ms when it is there). */
  statusTimeoutMs?: number;
  /** How long a job may take to leave the serial buffer. */
  writeTimeoutMs?: number;
  timers?: Timers;
  log?: DeviceLog;
  onStatus?: (status: StatusReading) => void;
};

const PROBLEM_TEXT: Record<PrinterProblem, string> = {
  offline: 'printer is offline',
  'paper-end': 'printer is out of paper',
  'cover-open': 'printer cover is open',
  error: 'printer reports an error (cutter jam or head overheated?)',
  unknown: 'printer status unknown',
};

const WRITE_ONLY: StatusReading = { known: false, reason: 'the printer device is write-only: status cannot be read' };

export class SerialPrinter {
  private readonly parser = new StatusStreamParser();
  private readonly timers: Timers;
  private readonly log: DeviceLog;
  private waiter: ((byte: number) => void) | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private detached = false;

  private readonly onData = (chunk: Buffer): void => {
    for (const item of this.parser.push(chunk)) {
      if (item.kind === 'asb') this.options.onStatus?.(item.status);
      else if (this.waiter) this.waiter(item.byte); // a garbage byte as the reply makes the status 'unknown' at once
    }
  };
  private readonly onError = (err: Error): void => this.log('warn', 'printer port error', { deviceId: this.options.deviceId, error: err.message });

  constructor(
    private readonly port: PortLike,
    private readonly options: SerialPrinterOptions,
  ) {
    this.timers = options.timers ?? realTimers;
    this.log = options.log ?? noLog;
    port.on('data', this.onData);
    port.on('error', this.onError);
  }

  get deviceId(): string {
    return this.options.deviceId;
  }

  /** Whether status can be read at all (false: a write-only device file; jobs print without the pre-check). */
  get readsStatus(): boolean {
    return this.port.canRead !== false;
  }

  /** Reads the printer status (queued behind any job in progress). */
  status(): Promise<StatusReading> {
    if (!this.readsStatus) return Promise.resolve(WRITE_ONLY);
    return this.enqueue(() => this.readStatus());
  }

  /** Checks the status, then prints the job if the printer can. Never throws. */
  print(job: Uint8Array): Promise<PrintOutcome> {
    return this.enqueue(async (): Promise<PrintOutcome> => {
      if (!this.readsStatus) {
        if (this.detached) return { ok: false, reason: 'unknown', message: 'printer detached', status: WRITE_ONLY };
        const failed = await this.write(job);
        return failed !== null ? { ok: false, reason: 'write-failed', message: failed } : { ok: true, status: WRITE_ONLY };
      }
      const status = await this.readStatus();
      const problem = blockingReason(status);
      if (problem) {
        const message = status.known ? PROBLEM_TEXT[problem] : `${PROBLEM_TEXT.unknown}: ${status.reason}`;
        this.log('warn', 'print refused', { deviceId: this.options.deviceId, reason: problem, message });
        return { ok: false, reason: problem, message, status };
      }
      const written = await this.write(job);
      if (written !== null) return { ok: false, reason: 'write-failed', message: written };
      return { ok: true, status };
    });
  }

  /**
   * Opens the cash drawer (queued between jobs like everything else). A ready printer gets `pulse` (ESC p);
   * one that cannot print (offline, out of paper, cover open, no status reply) gets `realtime` (DLE DC4 1),
   * which printers execute at once in those states: the cash must go in now, and an ESC p left in the
   * buffer would spring the drawer open minutes later, when the paper is changed. Never throws.
   */
  openDrawer(pulse: Uint8Array, realtime: Uint8Array): Promise<DrawerOutcome> {
    return this.enqueue(async (): Promise<DrawerOutcome> => {
      if (this.detached) return { ok: false, message: 'printer detached' };
      const problem = this.readsStatus ? blockingReason(await this.readStatus()) : null;
      const failed = await this.write(problem === null ? pulse : realtime);
      if (failed !== null) return { ok: false, message: failed };
      return { ok: true, problem: problem === null ? null : PROBLEM_TEXT[problem] };
    });
  }

  /** Stops listening; pending operations finish with 'unknown' / 'write-failed'. */
  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.port.off('data', this.onData);
    this.port.off('error', this.onError);
    this.waiter?.(-1);
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async readStatus(): Promise<StatusReading> {
    const timeout = this.options.statusTimeoutMs ?? 500;
    const printer = await this.ask(1);
    if (printer === null) return { known: false, reason: `no reply to DLE EOT 1 within ${timeout} ms (off, unplugged or not ESC/POS)` };
    if (printer < 0) return { known: false, reason: 'printer port closed or not writable' };
    const offline = await this.ask(2);
    const paper = await this.ask(4);
    return parseRealtimeReplies({
      printer,
      ...(offline !== null && offline >= 0 ? { offline } : {}),
      ...(paper !== null && paper >= 0 ? { paper } : {}),
    });
  }

  /** Sends DLE EOT n and resolves with the reply byte, null on timeout, −1 when detached or unwritable. */
  private ask(n: StatusRequest): Promise<number | null> {
    if (this.detached) return Promise.resolve(-1);
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(() => finish(null), this.options.statusTimeoutMs ?? 500);
      const finish = (value: number | null): void => {
        this.timers.clearTimeout(timer);
        this.waiter = null;
        resolve(value);
      };
      this.waiter = finish;
      this.port.write(statusRequest(n), (err) => {
        if (err) finish(-1);
      });
    });
  }

  /** Writes and drains; resolves null on success or an error message. */
  private write(job: Uint8Array): Promise<string | null> {
    if (this.detached) return Promise.resolve('printer detached');
    return new Promise((resolve) => {
      let done = false;
      const timer = this.timers.setTimeout(() => finish(`job not sent within ${this.options.writeTimeoutMs ?? 10_000} ms`), this.options.writeTimeoutMs ?? 10_000);
      const finish = (result: string | null): void => {
        if (done) return;
        done = true;
        this.timers.clearTimeout(timer);
        resolve(result);
      };
      this.port.write(Buffer.from(job.buffer, job.byteOffset, job.byteLength), (err) => {
        if (err) return finish(`write failed: ${err.message}`);
        this.port.drain((drainErr) => finish(drainErr ? `drain failed: ${drainErr.message}` : null));
      });
    });
  }
}
