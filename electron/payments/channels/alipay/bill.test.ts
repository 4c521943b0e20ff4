import { describe, expect, it } from 'vitest';
import { ALIPAY_BILL_HEADER, AlipayBillError, buildAlipayBill, parseAlipayBill, splitCsvLine, type AlipayBillEntry } from './bill';

const ENTRIES: AlipayBillEntry[] = [
  { tradeNo: 'T1', orderNo: 'A1', kind: 'payment', subject: 's', createdAt: '2026-11-24 10:00:00', finishedAt: '2026-11-24 10:00:01', buyer: 'b', amountFen: 1234 },
  { tradeNo: 'T1', orderNo: 'A1', kind: 'refund', subject: 's', createdAt: '2026-11-24 11:00:00', finishedAt: '2026-11-24 11:00:00', buyer: 'b', amountFen: 34, refundNo: 'R1' },
  { tradeNo: 'T2', orderNo: 'A2', kind: 'reversal', subject: 's', createdAt: '2026-11-24 12:00:00', finishedAt: '2026-11-24 12:00:00', buyer: 'b', amountFen: 7, refundNo: 'A2-REVERSE' },
];
const csv = (entries = ENTRIES): string => buildAlipayBill('2088', '2026-11-24', entries, '2026-11-25 09:00:00');

/** A detail row in the real layout (25 columns) with some fields replaced. */
function row(over: Partial<Record<(typeof ALIPAY_BILL_HEADER)[number], string>> = {}): string {
  const base: Record<string, string> = Object.fromEntries(ALIPAY_BILL_HEADER.map((h) => [h, '']));
  Object.assign(base, { 支付宝交易号: 'T9', 商户订单号: 'A9', 业务类型: '交易', 完成时间: '2026-11-24 13:00:00', '订单金额（元）': '1.00' }, over);
  return ALIPAY_BILL_HEADER.map((h) => base[h] ?? '').join(',');
}
/** The sample bill with extra detail lines inserted before the end marker (and the totals fixed up). */
function withLines(lines: string[], declared = ENTRIES.length + lines.length): string {
  const text = csv().replace(/#交易合计：\d+笔/, `#交易合计：${declared}笔`).replace(/#退款合计：\d+笔/, '#退款合计：0笔');
  const at = text.indexOf('#-----------------------------------------业务明细列表结束');
  return `${text.slice(0, at)}${lines.map((l) => `${l}\r\n`).join('')}${text.slice(at)}`;
}

describe('Alipay bill CSV', () => {
  it('round-trips payments, refunds and reversals; reads the totals line', () => {
    const text = csv();
    expect(text).toContain('#支付宝业务明细查询');
    expect(text).toContain(',-0.34,');
    expect(parseAlipayBill(text)).toEqual({
      rows: [
        { kind: 'payment', orderNo: 'A1', transactionId: 'T1', amountFen: 1234, status: '交易', time: '2026-11-24 10:00:01' },
        { kind: 'refund', orderNo: 'A1', transactionId: 'T1', amountFen: 34, status: '退款', time: '2026-11-24 11:00:00', refundNo: 'R1' },
        { kind: 'reversal', orderNo: 'A2', transactionId: 'T2', amountFen: 7, status: '退款', time: '2026-11-24 12:00:00', refundNo: 'A2-REVERSE' },
      ],
      rejected: [],
      declaredCount: 3,
    });
  });

  it('takes the real file’s quirks: half-width (元), padded fields, tabs, a trailing comma, a BOM, quoted commas', () => {
    const quirky = `${row({ 支付宝交易号: ' TQ1\t', 商户订单号: '\tQ1 ', 业务类型: '交易 ', 商品名称: '"s, with a comma"', '订单金额（元）': ' 2.50 ' })},`;
    const text = `\uFEFF${withLines([quirky]).replaceAll('（元）', '(元)')}`;
    expect(text).toContain('订单金额(元)');
    const parsed = parseAlipayBill(text);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.rows).toHaveLength(4);
    expect(parsed.rows[3]).toEqual({ kind: 'payment', orderNo: 'Q1', transactionId: 'TQ1', amountFen: 250, status: '交易', time: '2026-11-24 13:00:00' });
  });

  it('rejects bad lines one by one, with the line number and why, and keeps the good ones', () => {
    const bad = [
      row({ '订单金额（元）': '12.345' }),
      row({ '订单金额（元）': 'abc' }),
      row({ 业务类型: '充值' }),
      row({ 商户订单号: '' }),
      row({ 支付宝交易号: 'T 9' }),
      row({ 完成时间: '24/11/2026' }),
      row({ '订单金额（元）': '-1.00' }),
      row({ 业务类型: '退款', '订单金额（元）': '1.00' }),
      `${row()},extra`,
      'T9,A9,交易',
      '"unterminated,A9',
      '\uFFFD\uFFFD,\uFFFD',
      row({ 业务类型: '退款', '订单金额（元）': '-1.00', '退款批次号/请求号': '' }),
      row({ '订单金额（元）': '100000001.00' }),
    ];
    const good = row({ 商户订单号: 'GOOD1' });
    const parsed = parseAlipayBill(withLines([...bad, good]));
    expect(parsed.rows.map((r) => r.orderNo)).toEqual(['A1', 'A1', 'A2', 'GOOD1']);
    expect(parsed.rejected).toHaveLength(bad.length);
    expect(parsed.declaredCount).toBe(parsed.rows.length + parsed.rejected.length);
    expect(parsed.rejected.map((r) => r.reason)).toEqual([
      'bad amount (订单金额)',
      'bad amount (订单金额)',
      'unknown business type (业务类型) "充值"',
      'bad merchant order number (商户订单号)',
      'bad Alipay trade number (支付宝交易号)',
      'bad finish time (完成时间)',
      'a payment with the wrong sign: -1.00',
      'a refund with the wrong sign: 1.00',
      '26 fields, the header has 25',
      '3 fields, the header has 25',
      'unterminated quote',
      '2 fields, the header has 25',
      'refund without a usable refund number',
      'bad amount (订单金额)',
    ]);
    const lines = withLines([...bad, good]).split(/\r?\n/);
    for (const r of parsed.rejected) expect(lines[r.line - 1]).toBe(r.text);
  });

  it('refuses a text without the bill header, or missing a needed column, with NOT_A_BILL', () => {
    for (const text of ['nope', '', '#only comments\r\n#more', 'a,b,c\r\n1,2,3', csv().replace('完成时间', '结束时间')]) {
      let caught: unknown;
      try {
        parseAlipayBill(text);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(AlipayBillError);
      expect(caught).toMatchObject({ code: 'NOT_A_BILL' });
    }
  });

  it('a `#` line inside the detail list is a rejected line, not a comment; comments after the list are fine', () => {
    const parsed = parseAlipayBill(withLines(['#damaged row'], ENTRIES.length + 1));
    expect(parsed.rows).toHaveLength(ENTRIES.length);
    expect(parsed.rejected).toEqual([{ line: expect.any(Number), reason: 'comment line inside the detail list', text: '#damaged row' }]);
    expect(parsed.declaredCount).toBe(ENTRIES.length + 1);
    expect(parseAlipayBill(`${csv()}#备注：extra comment\r\n`).rejected).toEqual([]);
  });

  it("reads the totals as Alipay writes them (trades and refunds on two lines, with sums) and the one-line form", () => {
    const text = csv();
    expect(text).toMatch(/\r\n#交易合计：\d+笔，商家实收共[\d.]+元，商家优惠共0\.00元\r\n#退款合计：\d+笔，商家实收退款共-[\d.]+元，商家优惠退款共0\.00元\r\n/);
    const parsed = parseAlipayBill(text);
    expect(parsed.declaredCount).toBe(ENTRIES.length);
    const oneLine = text.replace(/#交易合计：(\d+)笔.*\r\n#退款合计：(\d+)笔.*\r\n/, '#交易合计：$1笔，退款合计：$2笔\r\n');
    expect(oneLine).not.toBe(text);
    expect(parseAlipayBill(oneLine).declaredCount).toBe(ENTRIES.length);
    // Cut before the totals: no count, and the adapter refuses the file as cut short.
    expect(parseAlipayBill(text.slice(0, text.indexOf('#交易合计'))).declaredCount).toBeNull();
  });

  it('an empty day has a header, no rows and totals of zero', () => {
    expect(parseAlipayBill(csv([]))).toEqual({ rows: [], rejected: [], declaredCount: 0 });
  });
});

describe('splitCsvLine', () => {
  it('splits on commas, honours quotes and doubled quotes', () => {
    expect(splitCsvLine('a,b,,c')).toEqual(['a', 'b', '', 'c']);
    expect(splitCsvLine('"a,b","say ""hi""",c')).toEqual(['a,b', 'say "hi"', 'c']);
    expect(splitCsvLine('"open')).toBeNull();
    expect(splitCsvLine('x"y,z')).toEqual(['x"y', 'z']);
  });
});

// A detail file as Alipay serves it (published in a public repository's test, 2019): tab-suffixed ids, 10
// rows (6 trades, 4 refunds with negative amounts), and the totals on two lines.
const REAL_H = '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
const realPay = (tx: string, no: string) => `${tx}\t,${no}\t,交易\t,下单测试,2019-09-16 10:55:16,2019-09-16 10:55:23,alipay_store\t,alipay_store\t,alipay\t,\t,*津水(602***@qq.com)\t,0.01,0.01,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,下单测试`;
const realRefund = (tx: string, no: string, rn: string) => `${tx}\t,${no}\t,退款\t,下单测试,2019-09-16 10:55:16,2019-09-16 10:56:48,alipay_store\t,alipay_store\t,alipay\t,\t,*津水(602***@qq.com)\t,-0.01,-0.01,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,${rn}\t,0.00,0.00,下单测试`;
const realDetail = [
  '#支付宝业务明细查询', '#账号：[20880211096256330156]', '#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]',
  '#-----------------------------------------业务明细列表----------------------------------------', REAL_H,
  realPay('2019091622001458860515315453', 'service_1568601259302'), realRefund('2019091622001458860515315453', 'service_1568601259302', 're_test_1568602607356'),
  realPay('2019091622001458860513822558', 'service_1568603173853'), realRefund('2019091622001458860513822558', 'service_1568603173853', 're_test_1568604414433'),
  realPay('2019091622001458860516395930', 'service_1568613406000'), realRefund('2019091622001458860516395930', 'service_1568613406000', 're_test_1568614511552'),
  realPay('2019091622001458860516993488', 'qd_201909161455139634Sjad2vy'), realRefund('2019091622001458860516993488', 'qd_201909161455139634Sjad2vy', 're_20190916150216125q8Lmiodp'),
  realPay('2019091622001465870515233238', '20190916165659224L3VUQRL9'), realPay('2019091622001458860517860493', 'qd_201909161844073417CB0wPzR'),
  '#-----------------------------------------业务明细列表结束------------------------------------',
  '#交易合计：6笔，商家实收共0.06元，商家优惠共0.00元',
  '#退款合计：4笔，商家实收退款共-0.04元，商家优惠退款共0.00元',
  '#导出时间：[2019年09月17日 05:46:49]', '',
].join('\n');

describe('a detail file as Alipay serves it', () => {
  it('reads every row and its two totals lines (6 trades + 4 refunds, tab-suffixed ids)', () => {
    const p = parseAlipayBill(realDetail);
    expect(p.rejected).toEqual([]);
    expect(p.rows).toHaveLength(10);
    expect(p.declaredCount).toBe(10);
  });
});
