import { describe, expect, it } from 'vitest';
import { SAMPLE_MIXED_REFUND, SAMPLE_REFUND } from './fixtures';
import { columnsFor, layoutReceipt, type LayoutOp } from './layout';
import { parseReceipt, receiptSchema, type ReceiptInput } from './model';
import { previewReceipt } from './preview';
import { textWidth } from './width';

const parse = (r: ReceiptInput) => receiptSchema.parse(r);
const texts = (ops: LayoutOp[]): string[] =>
  ops.flatMap((o) => (o.op === 'text' ? [o.text] : o.op === 'row' ? [`${o.left} ${o.right}`] : []));

describe('refund receipt model', () => {
  it('needs the original sale and the authorising manager', () => {
    expect(parseReceipt(SAMPLE_MIXED_REFUND)).toMatchObject({ ok: true });
    const noManager = parseReceipt({ ...SAMPLE_MIXED_REFUND, authorizedBy: undefined });
    expect(noManager.ok).toBe(false);
    if (!noManager.ok) expect(noManager.error).toContain('authorizedBy');
    expect(parseReceipt({ ...SAMPLE_MIXED_REFUND, authorizedBy: '  ' }).ok).toBe(false);
    // A copy of a refund is still a refund: same rules.
    expect(parseReceipt({ ...SAMPLE_MIXED_REFUND, kind: 'copy', copyOf: 'refund', copyNumber: 1, authorizedBy: undefined }).ok).toBe(false);
    // A sale receipt does not need a manager.
    expect(parseReceipt({ ...SAMPLE_MIXED_REFUND, kind: 'sale', authorizedBy: undefined }).ok).toBe(true);
  });

  it('takes a channel refund id of letters, digits, _ and - only', () => {
    const tender = { kind: 'code', channel: 'wechat', amountFen: 1, maskedCode: '1350****5678', channelTxnId: 'T1' } as const;
    expect(parseReceipt({ ...SAMPLE_MIXED_REFUND, tenders: [{ ...tender, channelRefundId: 'R-1_a' }] }).ok).toBe(true);
    expect(parseReceipt({ ...SAMPLE_MIXED_REFUND, tenders: [{ ...tender, channelRefundId: 'R 1\x1b' }] }).ok).toBe(false);
    expect(parseReceipt({ ...SAMPLE_MIXED_REFUND, tenders: [{ ...tender, channelRefundId: 'x'.repeat(65) }] }).ok).toBe(false);
  });
});

describe('refund receipt layout', () => {
  for (const paperWidth of [58, 80] as const) {
    for (const locale of ['zh-CN', 'en'] as const) {
      it(`amount refund on ${paperWidth} mm (${locale}): every line fits`, () => {
        const layout = layoutReceipt(parse({ ...SAMPLE_MIXED_REFUND, paperWidth, locale }));
        for (const op of layout.ops) {
          if (op.op === 'text') expect(textWidth(op.text)).toBeLessThanOrEqual(columnsFor(layout.columns, op.size));
          if (op.op === 'row') expect(textWidth(op.left) + 1 + textWidth(op.right)).toBeLessThanOrEqual(columnsFor(layout.columns, op.size));
        }
      });
    }
  }

  it('carries the header, both numbers, cashier, manager, time, per-tender lines and the footer', () => {
    const lines = previewReceipt(parse(SAMPLE_MIXED_REFUND));
    const text = lines.join('\n');
    expect(text).toContain('退款 / REFUND');
    expect(text).toMatch(/退款单号:\s+T01-20240518-0042-R1/);
    expect(text).toMatch(/原单号:\s+T01-20240518-0042/);
    expect(text).toContain('收银员: 张小凡');
    expect(text).toMatch(/授权经理:\s+店长 Manager/);
    expect(text).toContain('2024-05-19 11:10:00');
    expect(text).toMatch(/退款合计\s+￥30\.00/);
    expect(text).toMatch(/退回 微信支付\s+￥21\.60/);
    expect(text).toMatch(/付款码\s+1350\*\*\*\*5678/);
    expect(text).toContain('4200001234202405181234567890');
    expect(text).toContain('退款流水');
    expect(text).toContain('50000000412024051912345678901');
    expect(text).toMatch(/退现金\s+￥8\.40/);
    expect(text).toContain('款项原路退回');
    // An amount refund has no item lines, no subtotal and no cash given/change rows.
    expect(text).not.toContain('小计');
    expect(text).not.toContain('找零');
    expect(text).not.toContain('实收');
  });

  it('prints the REFUND title at double size, bold and centred', () => {
    const ops = layoutReceipt(parse(SAMPLE_MIXED_REFUND)).ops;
    expect(ops.find((o) => o.op === 'text' && o.text.includes('REFUND'))).toMatchObject({ align: 'center', bold: true, size: 'double' });
    const en = previewReceipt(parse({ ...SAMPLE_MIXED_REFUND, locale: 'en' })).join('\n');
    expect(en).toContain('REFUND');
    expect(en).toContain('Approved by');
    expect(en).toContain('Back to WeChat Pay');
    expect(en).toContain('Refund ID');
  });

  it('lists refunded items when the refund names them', () => {
    const text = previewReceipt(parse(SAMPLE_REFUND)).join('\n');
    expect(text).toContain('康师傅红烧牛肉面');
    expect(text).toContain('小计');
    expect(text).toMatch(/退回 支付宝\s+￥13\.50/);
  });

  it('a refund slip never kicks the drawer (it opened when the cash went back); a copy says so', () => {
    const mixed = parse(SAMPLE_MIXED_REFUND);
    expect(layoutReceipt(mixed).ops.some((o) => o.op === 'drawer')).toBe(false);
    const copy = parse({ ...SAMPLE_MIXED_REFUND, kind: 'copy', copyOf: 'refund', copyNumber: 1 });
    expect(texts(layoutReceipt(copy).ops).join('\n')).toContain('重印 #1');
  });
});
