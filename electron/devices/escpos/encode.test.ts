import { describe, expect, it } from 'vitest';
import { SAMPLE_REFUND, SAMPLE_SALE } from '../../../shared/receipt/fixtures';
import { layoutReceipt } from '../../../shared/receipt/layout';
import { receiptSchema, type ReceiptInput } from '../../../shared/receipt/model';
import { previewReceipt } from '../../../shared/receipt/preview';
import { encodeLayout, encodeRealtimeDrawerPulse, encodeReceipt } from './encode';
import { DEFAULT_PRINTER_PROFILE, type PrinterProfile } from './profile';
import { decodeEscPos, readQrFromRaster } from './test-decoder';
import { encodeText } from './text';

const parse = (r: ReceiptInput) => receiptSchema.parse(r);
const profile = (p: Partial<PrinterProfile> = {}): PrinterProfile => ({ ...DEFAULT_PRINTER_PROFILE, ...p });

describe('encodeText', () => {
  it('encodes Chinese as GB two-byte characters and ￥ as A3 A4', () => {
    expect([...encodeText('￥中a', 'gb18030')]).toEqual([0xa3, 0xa4, 0xd6, 0xd0, 0x61]);
  });
  it('replaces characters printers lack with same-width placeholders, drops controls', () => {
    expect([...encodeText('😀', 'gb18030')]).toEqual([0xa3, 0xbf]); // four-byte GB18030 → ？
    expect([...encodeText('ｱ', 'gb18030')]).toEqual([0x3f]);
    expect([...encodeText('a\x1b\x00b', 'gb18030')]).toEqual([0x61, 0x62]);
    expect([...encodeText('￥1中', 'pc437')]).toEqual([0x9d, 0x20, 0x31, 0x3f, 0x3f]);
  });
});

describe('ESC/POS receipts decoded by the independent oracle', () => {
  const cases: Array<[string, ReceiptInput, PrinterProfile]> = [
    ['sale 58 mm', SAMPLE_SALE, profile({ paperWidth: 58 })],
    ['sale 80 mm full cut pin 5', SAMPLE_SALE, profile({ paperWidth: 80, cut: 'full', drawerPin: 1 })],
    ['refund 58 mm', SAMPLE_REFUND, profile({ paperWidth: 58 })],
    ['refund 80 mm', SAMPLE_REFUND, profile({ paperWidth: 80 })],
    ['reprint 80 mm', { ...SAMPLE_SALE, kind: 'copy', copyNumber: 3 }, profile({ paperWidth: 80 })],
  ];

  for (const [name, input, prof] of cases) {
    it(`${name}: text round-trips and no line exceeds the paper`, () => {
      const receipt = parse(input);
      const job = decodeEscPos(encodeReceipt(receipt, prof));
      const columns = prof.paperWidth === 58 ? 32 : 48;
      expect(job.events[0]).toEqual({ type: 'init' });
      expect(job.events[1]).toEqual({ type: 'twoByte', on: true });
      for (const line of job.lines) expect(line.columns).toBeLessThanOrEqual(columns);
      // The decoded text equals the preview line by line (modulo the alignment padding the printer does).
      const preview = previewReceipt({ ...receipt, paperWidth: prof.paperWidth }).filter((l) => !l.startsWith('  [QR]') && !/^\s*\[QR\]/.test(l));
      const printed = job.lines.map((l) => l.text.trim()).filter((l) => l !== '');
      // ® is not in the printer's GB font: the encoder prints a same-width ？ instead.
      expect(printed).toEqual(preview.map((l) => l.trim().replace('®', '？')).filter((l) => l !== ''));
    });
  }

  it('prints store name double size, bold and centered; the total bold', () => {
    const job = decodeEscPos(encodeReceipt(parse(SAMPLE_REFUND), profile({ paperWidth: 80 })));
    expect(job.lines[0]).toMatchObject({ text: '好邻居便利店', align: 'center', bold: true, widthMul: 2, heightMul: 2, columns: 24 });
    const total = job.lines.find((l) => l.text.startsWith('退款合计'));
    expect(total).toMatchObject({ bold: true, heightMul: 2, widthMul: 1, columns: 48 });
    expect(total?.text.endsWith('￥13.50')).toBe(true);
  });

  it('native QR: model 2, size and ECC, payload intact', () => {
    const job = decodeEscPos(encodeReceipt(parse(SAMPLE_SALE), profile()));
    expect(job.qrs).toEqual([{ data: SAMPLE_SALE.qr?.payload, model: 2, moduleSize: 4, ecc: 'M' }]);
  });

  it('raster QR fallback decodes back to the payload and fits the head', () => {
    const job = decodeEscPos(encodeReceipt(parse(SAMPLE_SALE), profile({ qr: 'raster', paperWidth: 58 })));
    expect(job.qrs).toEqual([]);
    expect(job.rasters).toHaveLength(1);
    const raster = job.rasters[0];
    if (!raster) throw new Error('no raster');
    expect(raster.width).toBeLessThanOrEqual(384);
    expect(readQrFromRaster(raster)).toBe(SAMPLE_SALE.qr?.payload);
  });

  it('cuts per profile; the drawer pulse is a job of its own on the configured pin, receipts carry none', () => {
    const sale = parse(SAMPLE_SALE);
    expect(decodeEscPos(encodeReceipt(sale, profile({ cut: 'partial' }))).cuts).toEqual([{ mode: 'partial', feed: 0 }]);
    expect(decodeEscPos(encodeReceipt(sale, profile({ cut: 'full' }))).cuts).toEqual([{ mode: 'full', feed: 0 }]);
    expect(decodeEscPos(encodeReceipt(sale, profile({ cut: 'none' }))).cuts).toEqual([]);
    expect(decodeEscPos(encodeReceipt(sale, profile())).pulses).toEqual([]);
    const pulse = (drawerPin: 0 | 1) => encodeLayout({ paperWidth: 80, columns: 48, ops: [{ op: 'drawer' }] }, profile({ drawerPin }));
    expect(decodeEscPos(pulse(0)).pulses).toEqual([{ pin: 2, onMs: 50, offMs: 500 }]);
    expect(decodeEscPos(pulse(1)).pulses).toEqual([{ pin: 5, onMs: 50, offMs: 500 }]);
    expect(decodeEscPos(pulse(0)).lines.filter((l) => l.text.trim() !== '')).toEqual([]);
    // The real-time pulse (for a printer that cannot print): DLE DC4 1 m t, 100 ms on the same pin.
    expect([...encodeRealtimeDrawerPulse(profile({ drawerPin: 1 }))]).toEqual([0x10, 0x14, 1, 1, 1]);
    expect(decodeEscPos(encodeRealtimeDrawerPulse(profile({ drawerPin: 0 }))).pulses).toEqual([{ pin: 2, onMs: 100, offMs: 100, realtime: true }]);
  });

  it('printer already in two-byte mode: no FS &, still decodes', () => {
    const bytes = encodeReceipt(parse(SAMPLE_SALE), profile({ twoByteMode: false }));
    const job = decodeEscPos(bytes, { startInTwoByteMode: true });
    expect(job.events.some((e) => e.type === 'twoByte')).toBe(false);
    expect(job.lines.some((l) => l.text.includes('微信支付'))).toBe(true);
  });

  it('single-byte profile: leaves two-byte mode, ASCII only, widths preserved', () => {
    const job = decodeEscPos(encodeReceipt(parse({ ...SAMPLE_SALE, locale: 'en' }), profile({ codepage: 'pc437', twoByteMode: false, paperWidth: 80 })));
    expect(job.events[1]).toEqual({ type: 'twoByte', on: false });
    expect(job.events[2]).toEqual({ type: 'codePage', n: 0 });
    for (const l of job.lines) expect(l.columns).toBeLessThanOrEqual(48);
    expect(job.lines.some((l) => l.text.includes('¥ 48.40'))).toBe(true);
  });

  it('hostile item names never produce commands', () => {
    const evil = parse({ ...SAMPLE_SALE, lines: [{ name: '\x1bp\x00\x19\xfa\x1dV\x42\x10\x04\x01 中', qty: 1, unitPriceFen: 1, lineTotalFen: 1 }] });
    const job = decodeEscPos(encodeReceipt(evil, profile()));
    expect(job.events.filter((e) => e.type === 'realtime')).toEqual([]);
    expect(job.cuts).toHaveLength(1);
    // Its ESC p bytes are text, never a pulse (receipts carry none of their own).
    expect(job.pulses).toHaveLength(0);
  });

  it('paper width of the printer wins over the receipt', () => {
    const bytes = encodeLayout(layoutReceipt(parse({ ...SAMPLE_SALE, paperWidth: 80 })), profile({ paperWidth: 80 }));
    expect(decodeEscPos(bytes).lines.some((l) => l.columns > 32)).toBe(true);
    expect(decodeEscPos(encodeReceipt(parse({ ...SAMPLE_SALE, paperWidth: 80 }), profile({ paperWidth: 58 }))).lines.every((l) => l.columns <= 32)).toBe(true);
  });
});

describe('oracle strictness', () => {
  it('rejects unknown commands and truncated jobs', () => {
    expect(() => decodeEscPos(Uint8Array.from([0x1b, 0x99]))).toThrow(/unknown command/);
    expect(() => decodeEscPos(Uint8Array.from([0x1d, 0x28, 0x6b, 0x10]))).toThrow(/truncated/);
    expect(() => decodeEscPos(Uint8Array.from([0x41]))).toThrow(/unterminated/);
  });
});

describe('property: random receipts always fit the paper once printed', () => {
  it('200 random receipts × 2 widths × 2 code pages', async () => {
    const { seededRandom } = await import('../test-clock');
    const rnd = seededRandom(2024);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const alphabet = ['a', 'Z', '9', ' ', '中', '文', '￥', '¥', '·', '…', '😀', 'ｱ', 'é', '\u0301', '（', '）', '-', '\x1b', '\t'];
    const text = (max: number): string => {
      const s = Array.from({ length: 1 + Math.floor(rnd() * max) }, () => pick(alphabet)).join('').trim();
      return s === '' ? 'x' : s;
    };
    const fen = (): number => Math.floor(rnd() * 10 ** (1 + Math.floor(rnd() * 9)));
    for (let n = 0; n < 200; n++) {
      const lines = Array.from({ length: Math.floor(rnd() * 5) }, () => ({ name: text(40), qty: 1 + Math.floor(rnd() * 99_999), unitPriceFen: fen(), lineTotalFen: fen(), discountFen: fen() }));
      const input: ReceiptInput = {
        ...SAMPLE_SALE,
        kind: pick(['sale', 'refund', 'copy'] as const),
        originalSaleNo: 'S1',
        store: { name: text(64), address: text(100) },
        cashier: text(32),
        authorizedBy: text(32),
        lines,
        totals: { subtotalFen: fen(), discountFen: fen(), totalFen: fen() },
        tenders: [
          { kind: 'cash', amountFen: fen(), givenFen: fen(), changeFen: fen() },
          {
            kind: 'code',
            channel: pick(['wechat', 'alipay', 'acme-pay-超长渠道名称']),
            amountFen: fen(),
            maskedCode: '6222********1234',
            channelTxnId: 'x'.repeat(Math.floor(rnd() * 64)),
            channelRefundId: 'r'.repeat(Math.floor(rnd() * 64)),
          },
        ],
        footer: text(200),
      };
      const receipt = receiptSchema.parse(input);
      for (const paperWidth of [58, 80] as const) {
        for (const codepage of ['gb18030', 'pc437'] as const) {
          const job = decodeEscPos(encodeReceipt(receipt, profile({ paperWidth, codepage, twoByteMode: codepage === 'gb18030' })));
          for (const line of job.lines) expect(line.columns).toBeLessThanOrEqual(paperWidth === 58 ? 32 : 48);
        }
      }
    }
  });
});
