import { describe, expect, it } from 'vitest';
import { parsePrinterPath } from './printer-path';
import { DEFAULT_DEVICES_SETTINGS, devicesSettingsSchema, printerPathSchema } from './settings';

const issue = (path: string): string | undefined => {
  const r = printerPathSchema.safeParse(path);
  return r.success ? undefined : r.error.issues[0]?.message;
};

describe('printerPath', () => {
  it('accepts serial paths as before, device files, tcp:// printers and empty', () => {
    expect(parsePrinterPath('')).toEqual({ kind: 'none' });
    expect(parsePrinterPath('/dev/ttyUSB0')).toEqual({ kind: 'serial', path: '/dev/ttyUSB0' });
    expect(parsePrinterPath('/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0')).toMatchObject({ kind: 'serial' });
    expect(parsePrinterPath('COM3')).toEqual({ kind: 'serial', path: 'COM3' });
    expect(parsePrinterPath('/dev/usb/lp0')).toEqual({ kind: 'file', path: '/dev/usb/lp0' });
    expect(parsePrinterPath('/dev/usb/by-id/epson-tm-t20')).toMatchObject({ kind: 'file' });
    expect(parsePrinterPath('/dev/lp0')).toEqual({ kind: 'file', path: '/dev/lp0' });
    expect(parsePrinterPath('tcp://192.168.1.50')).toEqual({ kind: 'tcp', host: '192.168.1.50', port: 9100 });
    expect(parsePrinterPath('tcp://192.168.1.50:9101')).toEqual({ kind: 'tcp', host: '192.168.1.50', port: 9101 });
    expect(parsePrinterPath(' tcp://printer-1.shop.lan:1 ')).toEqual({ kind: 'tcp', host: 'printer-1.shop.lan', port: 1 });
    expect(parsePrinterPath('tcp://localhost:65535')).toEqual({ kind: 'tcp', host: 'localhost', port: 65535 });
    for (const ok of ['', '/dev/ttyACM0', 'COM12', '/dev/usb/lp1', 'tcp://10.0.0.7:9100', 'tcp://kitchen']) expect(issue(ok)).toBeUndefined();
  });

  it('refuses bad network addresses and other strings with a clear message', () => {
    expect(issue('tcp://192.168.1.50:0')).toContain('1–65535');
    expect(issue('tcp://192.168.1.50:65536')).toContain('1–65535');
    expect(issue('tcp://192.168.1.50:')).toContain('1–65535');
    expect(issue('tcp://300.1.1.1')).toContain('not a hostname or an IPv4');
    expect(issue('tcp://10.0.0')).toContain('not a hostname or an IPv4');
    expect(issue('tcp://-bad-.lan')).toContain('not a hostname or an IPv4');
    expect(issue('tcp://')).toContain('not a hostname or an IPv4');
    expect(issue('tcp://[::1]:9100')).toContain('tcp://HOST');
    expect(issue('tcp://host:9100/path')).toContain('tcp://HOST');
    expect(issue('http://192.168.1.50')).toContain('tcp://HOST[:PORT]');
    expect(issue('ttyUSB0')).toContain('/dev/usb/lp0');
    expect(issue('/dev/tty USB0')).toBeDefined();
  });

  it('the devices schema uses it for the printer only (the scanner stays serial)', () => {
    expect(devicesSettingsSchema.safeParse({ ...DEFAULT_DEVICES_SETTINGS, printerPath: 'tcp://10.0.0.9' }).success).toBe(true);
    expect(devicesSettingsSchema.safeParse({ ...DEFAULT_DEVICES_SETTINGS, printerPath: 'tcp://10.0.0.9:99999' }).success).toBe(false);
    expect(devicesSettingsSchema.safeParse({ ...DEFAULT_DEVICES_SETTINGS, scannerPath: 'tcp://10.0.0.9' }).success).toBe(false);
    expect(devicesSettingsSchema.parse({ ...DEFAULT_DEVICES_SETTINGS, printerPath: '  /dev/usb/lp0 ' }).printerPath).toBe('/dev/usb/lp0');
  });
});
