/**
 * What a `printerPath` names (shared by the settings schema and the host):
 * - `''`: no printer (the virtual printer);
 * - `tcp://HOST[:PORT]`: a network ESC/POS printer (raw port, 9100 by default); HOST is a hostname or IPv4;
 * - a raw device file: `/dev/usb/…` (usblp), `/dev/lpN` (parallel) — written directly, no serial settings;
 * - anything else absolute (`/dev/ttyUSB0`, `/dev/serial/by-id/…`) or `COMn`: a serial port.
 */

export const DEFAULT_RAW_PORT = 9100;

export type PrinterTarget =
  | { kind: 'none' }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'file'; path: string }
  | { kind: 'serial'; path: string };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** A hostname (RFC 1123 labels) or a dotted IPv4 address with every part 0–255. */
export function isValidHost(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const v4 = IPV4.exec(host);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255);
  if (/^[\d.]+$/.test(host)) return false; // digits and dots only but not a valid IPv4 (e.g. 10.0.0, 300.1.1.1)
  return host.split('.').every((label) => LABEL.test(label));
}

/** Raw printer device files: anything under /dev/usb/, and /dev/lpN. */
export function isRawDeviceFile(path: string): boolean {
  return /^\/dev\/usb\/[\x21-\x7e]+$/.test(path) || /^\/dev\/lp\d{1,3}$/.test(path);
}

/** Parses `tcp://host[:port]`; a string (the problem) when it is not valid. */
export function parseTcpPath(path: string): { host: string; port: number } | string {
  const m = /^tcp:\/\/([^:/\s]*)(?::(\d{0,6}))?\/?$/i.exec(path);
  if (!m) return 'a network printer is tcp://HOST or tcp://HOST:PORT (for example tcp://192.168.1.50:9100)';
  const host = m[1] ?? '';
  if (!isValidHost(host)) return `"${host}" is not a hostname or an IPv4 address`;
  if (m[2] === undefined) return { host, port: DEFAULT_RAW_PORT };
  const port = Number(m[2]);
  if (m[2] === '' || !Number.isInteger(port) || port < 1 || port > 65_535) return 'the port must be 1–65535 (network printers usually listen on 9100)';
  return { host, port };
}

const SERIAL = /^(\/[\x21-\x7e]{1,254}|COM\d{1,3})$/;

/** What the path names, or a string (a message for the cashier/manager) when it is not valid. */
export function parsePrinterPath(raw: string): PrinterTarget | string {
  const path = raw.trim();
  if (path === '') return { kind: 'none' };
  if (/^tcp:/i.test(path)) {
    const tcp = parseTcpPath(path);
    return typeof tcp === 'string' ? tcp : { kind: 'tcp', ...tcp };
  }
  if (path.length > 255) return 'the printer path is too long';
  if (isRawDeviceFile(path)) return { kind: 'file', path };
  if (SERIAL.test(path)) return { kind: 'serial', path };
  return 'a serial port (/dev/ttyUSB0, COM3), a device file (/dev/usb/lp0), tcp://HOST[:PORT], or empty for the virtual printer';
}
