import { parsePrinterPath } from '../../../shared/devices/printer-path';
import { noLog, realTimers, type DeviceLog, type Timers } from '../serial/port';
import { openSerialPort, type OpenPort } from '../serial/supervisor';
import { openRawFilePort, type OpenRaw } from './raw-file-port';
import { openTcpPort } from './tcp-port';

/**
 * The supervisor's port opener for every transport: the printer's path picks it (`tcp://host[:port]` →
 * network socket, `/dev/usb/…` or `/dev/lpN` → raw device file, anything else → serial). Scanners are
 * always serial. Each returns an `OwnedPort`, so the supervisor (backoff, states) and the printer driver
 * (DLE EOT status, exactly-once queue) are the same for all of them.
 */

export type TransportOptions = {
  timers?: Timers;
  log?: DeviceLog;
  connectTimeoutMs?: number;
  keepAliveMs?: number;
  /** Serial opener (tests may pass a mock). */
  serial?: OpenPort;
  /** Device file opener (tests). */
  openRaw?: OpenRaw;
};

export function createTransportOpener(options: TransportOptions = {}): OpenPort {
  const timers = options.timers ?? realTimers;
  const log = options.log ?? noLog;
  const serial = options.serial ?? openSerialPort;
  const toldWriteOnly = new Set<string>();
  return async (config) => {
    const target = config.id === 'printer' ? parsePrinterPath(config.path) : null;
    if (target === null || typeof target === 'string' || target.kind === 'none' || target.kind === 'serial') return serial(config);
    if (target.kind === 'tcp') {
      return openTcpPort({
        host: target.host,
        port: target.port,
        timers,
        ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
        ...(options.keepAliveMs !== undefined ? { keepAliveMs: options.keepAliveMs } : {}),
      });
    }
    const port = await openRawFilePort({ path: target.path, timers, log, ...(options.openRaw ? { open: options.openRaw } : {}) });
    if (!port.canRead && !toldWriteOnly.has(target.path)) {
      toldWriteOnly.add(target.path);
      log('warn', 'printer device file is write-only: status is unknown and jobs print without the status check', { path: target.path });
    }
    return port;
  };
}
