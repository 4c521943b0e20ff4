import { type ScanEvent } from '../../../shared/scan/types';
import { isDropped, realTimers as framerTimers, ScanFramer, type FramerTimers, type ScanFramerOptions } from '../scanner/framer';
import { noLog, type DeviceLog, type PortLike } from './port';

/**
 * A serial (or USB-CDC) barcode scanner on an opened port: bytes go through the framer, scans come out
 * as `ScanEvent`s (source 'serial'); a dropped frame is logged with its reason and, unless it is only an
 * empty line (a CR+LF suffix read as CR), told to `onUnreadable` so the cashier learns the scan did not read.
 */
export type SerialScannerOptions = {
  deviceId: string;
  framer: ScanFramerOptions;
  onScan: (event: ScanEvent) => void;
  /** A frame the framer refused (odd bytes, cut short, too long), with its reason and the time it ended. */
  onUnreadable?: (reason: string, at: number) => void;
  log?: DeviceLog;
  /** Clock and timers (inter-byte timeout); real ones by default. */
  timers?: FramerTimers;
};

export class SerialScanner {
  private readonly framer: ScanFramer;
  private readonly onData = (chunk: Buffer): void => this.framer.push(chunk);
  private readonly onClose = (): void => this.framer.flush();
  /** Keeps a port error from becoming an uncaught 'error' event; the supervisor reports it. */
  private readonly onError = (err: Error): void => (this.options.log ?? noLog)('warn', 'scanner port error', { deviceId: this.options.deviceId, error: err.message });
  private detached = false;

  constructor(
    private readonly port: PortLike,
    private readonly options: SerialScannerOptions,
  ) {
    const timers = options.timers ?? framerTimers;
    const log = options.log ?? noLog;
    this.framer = new ScanFramer(
      options.framer,
      (r) => {
        if (isDropped(r)) {
          log('warn', 'scanner frame dropped', { deviceId: options.deviceId, reason: r.dropped });
          if (r.dropped !== 'blank line') options.onUnreadable?.(r.dropped, timers.now());
          return;
        }
        const event: ScanEvent = { source: 'serial', deviceId: options.deviceId, code: r.code, at: timers.now() };
        if (r.symbology !== undefined) event.symbology = r.symbology;
        options.onScan(event);
      },
      timers,
    );
    port.on('data', this.onData);
    port.on('close', this.onClose);
    port.on('error', this.onError);
  }

  get deviceId(): string {
    return this.options.deviceId;
  }

  /** Stops listening (the port itself belongs to the supervisor). */
  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.port.off('data', this.onData);
    this.port.off('close', this.onClose);
    this.port.off('error', this.onError);
    this.framer.dispose();
  }
}
