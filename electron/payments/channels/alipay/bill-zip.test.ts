import iconv from 'iconv-lite';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildAlipayBillZip, zipWithGbkNames } from '../../../sandbox/alipay-bill';
import { readBill } from './adapter';
import { buildAlipayBill, type AlipayBillEntry } from './bill';
import { readAlipayBillZip } from './bill-zip';

const ENTRIES: AlipayBillEntry[] = [
  { tradeNo: '2026112422001400001', orderNo: 'A1', kind: 'payment', subject: '农夫山泉', createdAt: '2026-11-24 10:00:00', finishedAt: '2026-11-24 10:00:01', buyer: 'b***@x.cn', amountFen: 1234 },
  { tradeNo: '2026112422001400001', orderNo: 'A1', kind: 'refund', subject: '农夫山泉', createdAt: '2026-11-24 11:00:00', finishedAt: '2026-11-24 11:00:00', buyer: 'b***@x.cn', amountFen: 34, refundNo: 'R1' },
  { tradeNo: '2026112422001400002', orderNo: 'A2', kind: 'payment', subject: '面包', createdAt: '2026-11-24 12:00:00', finishedAt: '2026-11-24 12:00:09', buyer: 'c***@x.cn', amountFen: 700 },
];
const PID = '2088102177846880';
const DATE = '2026-11-24';
const DETAIL = `${PID}_20261124_业务明细.csv`;
const SUMMARY = `${PID}_20261124_业务明细(汇总).csv`;
const detailCsv = (entries = ENTRIES): string => buildAlipayBill(PID, DATE, entries, '2026-11-25 09:00:00');
const goodZip = (): Buffer => buildAlipayBillZip(PID, DATE, ENTRIES, '2026-11-25 09:00:00').zip;
const gbk = (s: string): Uint8Array => iconv.encode(s, 'gbk');
const MTIME = new Date('2026-11-25T00:00:00Z');

/** Offsets of the first entry in an archive without a comment. */
function firstEntry(zip: Buffer) {
  const eocd = zip.length - 22;
  const cd = zip.readUInt32LE(eocd + 16);
  const dataAt = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
  return { cd, dataAt, compressedSize: zip.readUInt32LE(cd + 20) };
}
const problem = (body: Buffer): string => {
  const r = readBill(DATE, body);
  return r.status === 'bad_bill' ? r.code : r.status;
};

describe('the Alipay bill archive', () => {
  it('is read like Alipay serves it: GBK names without the UTF-8 flag, GBK detail beside the summary', () => {
    const zip = goodZip();
    expect(zip.includes(Buffer.from(gbk('业务明细')))).toBe(true);
    expect(zip.includes(Buffer.from('业务明细', 'utf8'))).toBe(false);
    const { cd } = firstEntry(zip);
    expect(zip.readUInt16LE(cd + 8) & 0x800).toBe(0);
    const archive = readAlipayBillZip(zip);
    expect(archive.files).toEqual([DETAIL, SUMMARY]);
    expect(archive.detailName).toBe(DETAIL);
    expect(archive.detailText).toBe(detailCsv());
    // Deterministic: the sandbox serves the same bytes for the same day.
    expect(goodZip().equals(zip)).toBe(true);
  });

  it('also takes UTF-8 flagged names and a detail file found by its header, whatever its name', () => {
    const utf8 = Buffer.from(zipSync({ 'bill/明细.csv': gbk(detailCsv()), 'readme.txt': gbk('说明') }, { mtime: MTIME }));
    expect(readAlipayBillZip(utf8).detailName).toBe('bill/明细.csv');
    const r = readBill(DATE, utf8);
    expect(r).toMatchObject({ status: 'ok', date: DATE, rejected: [] });
    if (r.status === 'ok') expect(r.rows.map((x) => [x.kind, x.orderNo, x.amountFen])).toEqual([['payment', 'A1', 1234], ['refund', 'A1', 34], ['payment', 'A2', 700]]);
  });

  it('not a ZIP at all: NOT_ZIP', () => {
    expect(problem(Buffer.from('<html><body>502 Bad Gateway</body></html>'))).toBe('NOT_ZIP');
    expect(problem(Buffer.alloc(0))).toBe('NOT_ZIP');
    expect(problem(Buffer.from(gbk(detailCsv())))).toBe('NOT_ZIP');
    expect(problem(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]))).toBe('NOT_ZIP');
  });

  it('a damaged archive: CORRUPT_ZIP, never a throw, never a partial bill', () => {
    const zip = goodZip();
    const { cd, dataAt, compressedSize } = firstEntry(zip);
    const patched = (f: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(zip);
      f(b);
      return b;
    };
    expect(problem(zip.subarray(0, Math.floor(zip.length / 2)))).toBe('CORRUPT_ZIP'); // cut off mid-download
    expect(problem(zip.subarray(0, zip.length - 1))).toBe('CORRUPT_ZIP');
    const mid = dataAt + Math.floor(compressedSize / 2);
    expect(problem(patched((b) => b.writeUInt8(b.readUInt8(mid) ^ 0xff, mid)))).toBe('CORRUPT_ZIP'); // bit rot
    expect(problem(patched((b) => b.writeUInt32LE((b.readUInt32LE(cd + 16) ^ 1) >>> 0, cd + 16)))).toBe('CORRUPT_ZIP'); // CRC
    expect(problem(patched((b) => b.writeUInt32LE(b.readUInt32LE(cd + 24) - 10, cd + 24)))).toBe('CORRUPT_ZIP'); // size lies low
    expect(problem(patched((b) => b.writeUInt16LE(99, cd + 10)))).toBe('CORRUPT_ZIP'); // unknown method
    expect(problem(patched((b) => b.writeUInt16LE(b.readUInt16LE(cd + 8) | 1, cd + 8)))).toBe('CORRUPT_ZIP'); // encrypted
    expect(problem(patched((b) => b.writeUInt32LE(0x12345678, cd)))).toBe('CORRUPT_ZIP'); // directory damaged
    expect(problem(patched((b) => b.writeUInt32LE(zip.length + 100, zip.length - 22 + 16)))).toBe('CORRUPT_ZIP');
    const stored = Buffer.from(zipSync({ [DETAIL]: gbk(detailCsv()) }, { level: 0, mtime: MTIME }));
    const s = firstEntry(stored);
    stored[s.dataAt + 40] = 0x41; // a stored (uncompressed) file: only the CRC can tell
    expect(problem(stored)).toBe('CORRUPT_ZIP');
  });

  it('an entry larger than any daily bill: TOO_LARGE (checked before inflating)', () => {
    const zip = Buffer.from(goodZip());
    zip.writeUInt32LE(512 * 1024 * 1024, firstEntry(zip).cd + 24);
    expect(problem(zip)).toBe('TOO_LARGE');
  });

  it('a zip bomb (an entry declaring 100 bytes that inflates to 32 MiB) is refused, inflated no further than declared', () => {
    const bomb = Buffer.from(zipSync({ [DETAIL]: new Uint8Array(32 * 1024 * 1024) }, { level: 9, mtime: MTIME }));
    expect(bomb.length).toBeLessThan(100_000);
    bomb.writeUInt32LE(100, firstEntry(bomb).cd + 24);
    expect(() => readAlipayBillZip(bomb)).toThrow(/inflates past its declared 100 bytes/);
    expect(problem(bomb)).toBe('CORRUPT_ZIP');
  });

  it('no detail file, or two of them: NO_DETAIL_FILE / AMBIGUOUS_DETAIL_FILE', () => {
    const summaryOnly = zipWithGbkNames([{ name: SUMMARY, data: gbk('#支付宝业务汇总查询\r\n门店编号,门店名称,交易订单总笔数\r\n,合计,1\r\n') }], MTIME);
    expect(problem(summaryOnly)).toBe('NO_DETAIL_FILE');
    expect(problem(Buffer.from(zipSync({ 'readme.txt': gbk('x') }, { mtime: MTIME })))).toBe('NO_DETAIL_FILE');
    expect(problem(Buffer.from(zipSync({}, { mtime: MTIME })))).toBe('NO_DETAIL_FILE');
    const two = zipWithGbkNames([{ name: DETAIL, data: gbk(detailCsv()) }, { name: `${PID}_20261124_业务明细_2.csv`, data: gbk(detailCsv()) }], MTIME);
    expect(problem(two)).toBe('AMBIGUOUS_DETAIL_FILE');
    const notBill = zipWithGbkNames([{ name: DETAIL, data: gbk('商户订单号\r\nA1\r\n') }], MTIME);
    expect(problem(notBill)).toBe('NOT_A_BILL');
  });

  it('bad rows are rejected and counted; a bill shorter than its own totals line is refused', () => {
    const text = detailCsv().replace('A2,交易', 'A2,充值');
    const r = readBill(DATE, zipWithGbkNames([{ name: DETAIL, data: gbk(text) }], MTIME));
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.rows).toHaveLength(2);
    expect(r.rejected).toEqual([{ line: 8, reason: 'unknown business type (业务类型) "充值"', text: expect.stringContaining('A2,充值') }]);
    const dropped = detailCsv().split('\r\n').filter((l) => !l.includes(',A2,')).join('\r\n');
    const short = readBill(DATE, zipWithGbkNames([{ name: DETAIL, data: gbk(dropped) }], MTIME));
    expect(short).toMatchObject({ status: 'bad_bill', code: 'COUNT_MISMATCH', message: 'The bill announces 3 rows but has 2' });
  });

  it('a detail file cut before its totals line is refused, even when its last row looks like a comment', () => {
    const lines = detailCsv().split('\r\n');
    const end = lines.findIndex((l) => l.includes('业务明细列表结束'));
    // Cut after the rows; then the same with the last row damaged into a `#` line.
    const cut = lines.slice(0, end).join('\r\n');
    expect(readBill(DATE, zipWithGbkNames([{ name: DETAIL, data: gbk(cut) }], MTIME))).toMatchObject({ status: 'bad_bill', code: 'NOT_A_BILL', message: expect.stringContaining('totals line') });
    const damaged = lines.slice(0, end - 1).concat(`#${lines[end - 1] ?? ''}`).join('\r\n');
    expect(readBill(DATE, zipWithGbkNames([{ name: DETAIL, data: gbk(damaged) }], MTIME))).toMatchObject({ status: 'bad_bill', code: 'NOT_A_BILL' });
  });

  it('property: 400 random corruptions of a good archive never throw and never lose a row silently', () => {
    let seed = 20261124;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const zip = goodZip();
    const outcomes = new Map<string, number>();
    for (let n = 0; n < 400; n++) {
      const b = Buffer.from(zip);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < flips; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const body = rnd() < 0.2 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
      const r = readBill(DATE, body);
      const key = r.status === 'bad_bill' ? r.code : r.status;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      expect(['ok', 'bad_bill']).toContain(r.status);
      // Whatever survives is the whole bill: every line a row or a counted rejection.
      if (r.status === 'ok') expect(r.rows.length + (r.rejected?.length ?? 0)).toBe(ENTRIES.length);
    }
    expect(outcomes.get('CORRUPT_ZIP') ?? 0).toBeGreaterThan(100);
  });
});
