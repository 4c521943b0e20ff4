import { describe, expect, it } from 'vitest';
import { SAMPLE_REFUND, SAMPLE_SALE } from './fixtures';
import { columnsFor, formatRow, layoutReceipt } from './layout';
import { maskPaymentCode, parseReceipt, receiptSchema, type ReceiptInput } from './model';
import { previewLayout, previewReceipt } from './preview';
import { textWidth } from './width';

const parse = (r: ReceiptInput) => receiptSchema.parse(r);

describe('receipt model', () => {
  it('accepts the samples and applies defaults', () => {
    const r = parse(SAMPLE_SALE);
    expect(r.locale).toBe('zh-CN');
    expect(r.lines[0]?.discountFen).toBe(0);
  });
  it('refuses a full payment code, floats and a refund without its sale', () => {
    const fullCode = { ...SAMPLE_SALE, tenders: [{ kind: 'code', channel: 'wechat', amountFen: 1, maskedCode: '134567890123456789', channelTxnId: '' }] };
    expect(parseReceipt(fullCode)).toMatchObject({ ok: false });
    expect(parseReceipt({ ...SAMPLE_SALE, totals: { subtotalFen: 1.5, discountFen: 0, totalFen: 1 } })).toMatchObject({ ok: false });
    const bad = parseReceipt({ ...SAMPLE_REFUND, originalSaleNo: undefined });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain('originalSaleNo');
    expect(parseReceipt('nonsense')).toMatchObject({ ok: false });
  });
  it('masks payment codes', () => {
    expect(maskPaymentCode('134567890123456789')).toBe('1345**********6789');
    expect(maskPaymentCode('123')).toBe('****');
  });
});

describe('layoutReceipt', () => {
  for (const paperWidth of [58, 80] as const) {
    for (const [name, sample] of [['sale', SAMPLE_SALE], ['refund', SAMPLE_REFUND]] as const) {
      it(`${name} on ${paperWidth} mm: every line fits the paper`, () => {
        const layout = layoutReceipt(parse({ ...sample, paperWidth }));
        expect(layout.columns).toBe(paperWidth === 58 ? 32 : 48);
        for (const op of layout.ops) {
          if (op.op === 'text') expect(textWidth(op.text)).toBeLessThanOrEqual(columnsFor(layout.columns, op.size));
          if (op.op === 'row') {
            const cols = columnsFor(layout.columns, op.size);
            expect(textWidth(op.left) + 1 + textWidth(op.right)).toBeLessThanOrEqual(cols);
            expect(textWidth(formatRow(op.left, op.right, cols))).toBe(cols);
          }
        }
      });
    }
  }

  it('never kicks the drawer: it opens when the cash moves, not when a receipt prints', () => {
    for (const r of [SAMPLE_SALE, SAMPLE_REFUND, { ...SAMPLE_SALE, kind: 'copy' as const, copyNumber: 1 }]) expect(layoutReceipt(parse(r)).ops.some((o) => o.op === 'drawer')).toBe(false);
  });

  it('ends with a cut and carries the QR payload unchanged', () => {
    const ops = layoutReceipt(parse(SAMPLE_SALE)).ops;
    expect(ops.at(-1)).toEqual({ op: 'cut' });
    expect(ops.find((o) => o.op === 'qr')).toMatchObject({ payload: SAMPLE_SALE.qr?.payload });
  });

  it('neutralises control characters in item names (no command injection)', () => {
    const evil = parse({ ...SAMPLE_SALE, lines: [{ name: 'x\x1bp\x00\x19\xfa\x1dV\x41', qty: 1, unitPriceFen: 1, lineTotalFen: 1 }] });
    for (const op of layoutReceipt(evil).ops) {
      const texts = op.op === 'text' ? [op.text] : op.op === 'row' ? [op.left, op.right] : [];
      for (const t of texts) expect([...t].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(false);
    }
  });

  it('keeps a long transaction number whole on 58 mm (stacked, not truncated)', () => {
    const lines = previewReceipt(parse(SAMPLE_SALE));
    expect(lines.some((l) => l.includes('4200001234202405181234567890'))).toBe(true);
  });
});

describe('preview', () => {
  it('matches the paper width, marks copies and refunds', () => {
    const lines = previewLayout(layoutReceipt(parse(SAMPLE_SALE)));
    for (const l of lines) {
      const cols = l.size === 'double' ? 16 : 32;
      if (l.text !== '') expect(textWidth(l.text)).toBe(cols);
    }
    const copy = previewReceipt(parse({ ...SAMPLE_REFUND, kind: 'copy', copyOf: 'refund', copyNumber: 2 }));
    expect(copy.join('\n')).toContain('重印 #2');
    expect(copy.join('\n')).toContain('退款 / REFUND');
    expect(copy.join('\n')).toContain('原单号');
  });
  it('marks a training receipt under its title, in either language, and only a training one', () => {
    expect(previewReceipt(parse(SAMPLE_SALE)).join('\n')).not.toContain('培训');
    const zh = previewReceipt(parse({ ...SAMPLE_SALE, training: true }));
    expect(zh.findIndex((l) => l.includes('*** 培训模式 非正式交易 ***'))).toBe(zh.findIndex((l) => l.includes('销售小票')) + 1);
    expect(previewReceipt(parse({ ...SAMPLE_REFUND, locale: 'en', training: true })).join('\n')).toContain('*** TRAINING - NOT A SALE ***');
  });
  it('shows money with ￥ and two decimals, negatives for discounts', () => {
    const text = previewReceipt(parse(SAMPLE_SALE)).join('\n');
    expect(text).toContain('￥48.40');
    expect(text).toContain('-￥2.00');
    expect(text).toContain('找零');
    expect(text).toContain('2024-05-18 14:30:15');
  });
  it('renders English labels', () => {
    const text = previewReceipt(parse({ ...SAMPLE_SALE, locale: 'en' })).join('\n');
    expect(text).toContain('WeChat Pay');
    expect(text).toContain('Change');
  });
});
