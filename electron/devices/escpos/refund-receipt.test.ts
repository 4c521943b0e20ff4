import { describe, expect, it } from 'vitest';
import { SAMPLE_MIXED_REFUND, SAMPLE_REFUND } from '../../../shared/receipt/fixtures';
import { receiptSchema, type ReceiptInput } from '../../../shared/receipt/model';
import { previewReceipt } from '../../../shared/receipt/preview';
import { encodeReceipt } from './encode';
import { DEFAULT_PRINTER_PROFILE, type PrinterProfile } from './profile';
import { decodeEscPos } from './test-decoder';

// Refund receipts through the ESC/POS encoder, read back by the independent decoder (the test oracle).

const parse = (r: ReceiptInput) => receiptSchema.parse(r);
const profile = (p: Partial<PrinterProfile> = {}): PrinterProfile => ({ ...DEFAULT_PRINTER_PROFILE, ...p });

describe('refund receipts decoded by the independent oracle', () => {
  for (const paperWidth of [58, 80] as const) {
    it(`mixed refund on ${paperWidth} mm: GB18030 text round-trips, fits, no pulse, one cut last`, () => {
      const receipt = parse(SAMPLE_MIXED_REFUND);
      const job = decodeEscPos(encodeReceipt(receipt, profile({ paperWidth })));
      const columns = paperWidth === 58 ? 32 : 48;
      for (const line of job.lines) expect(line.columns).toBeLessThanOrEqual(columns);
      const printed = job.lines.map((l) => l.text.trim()).filter((l) => l !== '');
      const preview = previewReceipt({ ...receipt, paperWidth }).map((l) => l.trim()).filter((l) => l !== '');
      expect(printed).toEqual(preview);
      // The drawer opened when the cash went back (a pulse of its own), not when the slip prints.
      expect(job.pulses).toEqual([]);
      expect(job.cuts).toEqual([{ mode: 'partial', feed: 0 }]);
      expect(job.events.at(-1)).toMatchObject({ type: 'cut' });
    });
  }

  it('the REFUND header is double size, bold and centred; numbers, manager and channel refund id are printed', () => {
    const job = decodeEscPos(encodeReceipt(parse(SAMPLE_MIXED_REFUND), profile({ paperWidth: 80 })));
    const title = job.lines.find((l) => l.text.includes('REFUND'));
    expect(title).toMatchObject({ text: '退款 / REFUND', align: 'center', bold: true, widthMul: 2, heightMul: 2, columns: 26 });
    const all = job.lines.map((l) => l.text);
    expect(all.some((l) => /^退款单号:\s+T01-20240518-0042-R1$/.test(l))).toBe(true);
    expect(all.some((l) => /^原单号:\s+T01-20240518-0042$/.test(l))).toBe(true);
    expect(all.some((l) => /^授权经理:\s+店长 Manager$/.test(l))).toBe(true);
    expect(all.some((l) => /^退回 微信支付\s+￥21\.60$/.test(l))).toBe(true);
    expect(all.some((l) => /^\s+退款流水\s+50000000412024051912345678901$/.test(l))).toBe(true);
    expect(all.some((l) => /^退现金\s+￥8\.40$/.test(l))).toBe(true);
    const total = job.lines.find((l) => l.text.startsWith('退款合计'));
    expect(total).toMatchObject({ bold: true, heightMul: 2, widthMul: 1, columns: 48 });
    expect(total?.text.endsWith('￥30.00')).toBe(true);
  });

  it('a refund to a channel only never pulses the drawer; nor does a reprinted copy', () => {
    expect(decodeEscPos(encodeReceipt(parse(SAMPLE_REFUND), profile())).pulses).toEqual([]);
    const copy = parse({ ...SAMPLE_MIXED_REFUND, kind: 'copy', copyOf: 'refund', copyNumber: 2 });
    const job = decodeEscPos(encodeReceipt(copy, profile()));
    expect(job.pulses).toEqual([]);
    expect(job.lines.some((l) => l.text.includes('重印 #2'))).toBe(true);
    expect(job.lines.some((l) => l.text.includes('退款 / REFUND'))).toBe(true);
  });

  it('single-byte printer, English: still decodes and fits', () => {
    const job = decodeEscPos(encodeReceipt(parse({ ...SAMPLE_MIXED_REFUND, locale: 'en' }), profile({ codepage: 'pc437', twoByteMode: false, paperWidth: 58 })));
    for (const l of job.lines) expect(l.columns).toBeLessThanOrEqual(32);
    expect(job.lines.some((l) => l.text.trim() === 'REFUND')).toBe(true);
    expect(job.lines.some((l) => /^Cash back\s+¥ 8\.40$/.test(l.text))).toBe(true);
  });
});
