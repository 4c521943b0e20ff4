import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, mergeSettings, type Settings } from '../../../shared/settings';
import { type ScanEventPayload } from '../../../shared/api/devices';
import { classifyScan, createScanPipeline, isRetailBarcode, RECENT_SCANS } from './scan-pipeline';

function pipeline(settings: Settings = DEFAULT_SETTINGS) {
  let now = 1_000;
  const emitted: ScanEventPayload[] = [];
  const p = createScanPipeline({ now: () => now, iso: () => new Date(now).toISOString(), settings: () => settings, emit: (e) => emitted.push(e) });
  return { p, emitted, advance: (ms: number) => (now += ms) };
}

describe('scan classification', () => {
  it('tells payment codes, product barcodes and the rest apart', () => {
    expect(classifyScan('134567890123456789', undefined, {})).toEqual({ kind: 'payment', channel: 'wechat', detail: null });
    expect(classifyScan(']Q1287634438256643912', ']Q1', {})).toMatchObject({ kind: 'payment', channel: 'alipay' });
    expect(classifyScan('6901234567892', undefined, {})).toMatchObject({ kind: 'product', channel: null });
    expect(classifyScan('6901234567893', undefined, {})).toMatchObject({ kind: 'unknown' }); // bad check digit
    expect(classifyScan('ABC-123', ']C0', {})).toMatchObject({ kind: 'unknown', detail: expect.stringContaining('digits') });
    expect(classifyScan('12345670', ']E4', {})).toMatchObject({ kind: 'product' });
    // A wallet switched off in the payment settings is not a usable payment code here.
    expect(classifyScan('6212345678901234567', undefined, { unionpay: false })).toMatchObject({ kind: 'unknown', detail: expect.stringContaining('not accepted') });
  });

  it('checks GS1 check digits', () => {
    expect(['6901234567892', '036000291452', '96385074', '10012345678902'].map(isRetailBarcode)).toEqual([true, true, true, true]);
    expect(['6901234567890', '12345', 'abcdefghijklm'].map(isRetailBarcode)).toEqual([false, false, false]);
  });
});

describe('scan pipeline', () => {
  it('emits each scan once within the window, whatever the source', () => {
    const { p, emitted, advance } = pipeline();
    expect(p.accept({ source: 'serial', deviceId: 'scanner', code: '6901234567892', at: 1 })).not.toBeNull();
    expect(p.accept({ source: 'camera', deviceId: 'cam', code: '6901234567892', at: 2 })).toBeNull();
    advance(801);
    expect(p.accept({ source: 'wedge', deviceId: 'wedge', code: '6901234567892', at: 3 })).not.toBeNull();
    expect(emitted.map((e) => [e.seq, e.source])).toEqual([
      [1, 'serial'],
      [2, 'wedge'],
    ]);
  });

  it('follows the de-duplication window from settings', () => {
    const settings = mergeSettings(DEFAULT_SETTINGS, { devices: { dedupeWindowMs: 0 } });
    const { p, emitted } = pipeline(settings);
    p.accept({ source: 'serial', deviceId: 's', code: 'A1', at: 1 });
    p.accept({ source: 'serial', deviceId: 's', code: 'A1', at: 1 });
    expect(emitted).toHaveLength(1); // same instant still counts once
  });

  it('keeps the last 50 scans, newest first, payment codes masked and control characters visible', () => {
    const { p, advance } = pipeline();
    for (let i = 0; i < RECENT_SCANS + 5; i++) {
      p.accept({ source: 'camera', deviceId: 'cam', code: `CODE-${i}`, at: i });
      advance(1);
    }
    p.accept({ source: 'wedge', deviceId: 'wedge', code: '134567890123456789', at: 99 });
    p.accept({ source: 'camera', deviceId: 'cam', code: 'line1\nline2', at: 100 });
    const recent = p.recent();
    expect(recent).toHaveLength(RECENT_SCANS);
    expect(recent[0]?.display).toBe('line1\u2424line2');
    expect(recent[1]).toMatchObject({ display: '1345**********6789', classification: { kind: 'payment', channel: 'wechat' } });
    expect(JSON.stringify(recent)).not.toContain('134567890123456789');
    expect(recent.at(-1)?.display).toBe('CODE-7');
  });

  it('masks what may hold a payment code even when it is not payable: a wallet switched off, two codes run together, a stray character', () => {
    const { p, advance } = pipeline();
    for (const [i, code] of ['181234567890123456', '134567890123456789\n134567890123456788', '134567890123456789x', '6901234567892'].entries()) {
      p.accept({ source: 'wedge', deviceId: 'w', code, at: i });
      advance(1000);
    }
    const shown = p.recent().map((s) => s.display).reverse();
    expect(shown).toEqual(['1812**********3456', '1345**********6789\u24241345**********6788', '1345**********6789x', '6901234567892']);
    expect(JSON.stringify(p.recent())).not.toMatch(/\d{15}/);
  });

  it('marks scans taken during a test window', () => {
    const { p, emitted, advance } = pipeline();
    expect(p.openTestWindow(10)).toBe(new Date(11_000).toISOString());
    p.accept({ source: 'wedge', deviceId: 'w', code: 'T-1', at: 1 });
    advance(10_000);
    p.accept({ source: 'wedge', deviceId: 'w', code: 'T-2', at: 2 });
    expect(emitted.map((e) => e.test)).toEqual([true, false]);
    expect(p.openTestWindow(0)).toBeNull();
  });
});

describe('recent scans of codes typed in full-width digits (a Chinese input method)', () => {
  const toFull = (digits: string): string => digits.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

  it('a not-payable code is masked whether typed in ASCII or full-width (a wallet switched off, JD Pay off by default)', () => {
    const settings = mergeSettings(DEFAULT_SETTINGS, { payments: { ...DEFAULT_SETTINGS.payments, wallets: { ...DEFAULT_SETTINGS.payments.wallets, wechat: false } } });
    for (const [s, code] of [[settings, '134567890123456789'], [DEFAULT_SETTINGS, '181234567890123456']] as const) {
      const { p } = pipeline(s);
      p.accept({ source: 'wedge', deviceId: 'w', code: toFull(code), at: 1 });
      const shown = p.recent()[0];
      expect(shown?.classification.kind).toBe('unknown');
      expect(shown?.display).toBe(`${code.slice(0, 4)}${'*'.repeat(code.length - 8)}${code.slice(-4)}`);
    }
  });
});
