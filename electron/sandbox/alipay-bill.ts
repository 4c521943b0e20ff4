/**
 * The sandbox's Alipay bill download, shaped like the real one: `<pid>_<yyyyMMdd>.csv.zip` holding the GBK
 * trade detail `<pid>_<yyyyMMdd>_业务明细.csv` and its summary `<pid>_<yyyyMMdd>_业务明细(汇总).csv`, with
 * GBK file names and no UTF-8 flag (what Alipay's archives carry). fflate writes file names as UTF-8 only,
 * so each entry is written under an ASCII stand-in of the same byte length, then the stand-in is replaced
 * by the GBK bytes in both of its headers (names are outside the CRC).
 */
import iconv from 'iconv-lite';
import { zipSync } from 'fflate';
import { buildAlipayBill, buildAlipayBillSummary, type AlipayBillEntry } from '../payments/channels/alipay/bill';

export type ZipFileSpec = { name: string; data: Uint8Array };

/** A ZIP whose entry names are GBK-encoded (flag bit 11 clear), deterministic for a given `mtime`. */
export function zipWithGbkNames(files: readonly ZipFileSpec[], mtime: Date): Buffer {
  const names = files.map((f) => iconv.encode(f.name, 'gbk'));
  const standIns = names.map((n, i) => {
    const tag = `~${i}~`;
    if (n.length < tag.length) return Buffer.from(n); // short names are plain ASCII already
    return Buffer.from(tag + 'x'.repeat(n.length - tag.length), 'latin1');
  });
  const zip = Buffer.from(zipSync(Object.fromEntries(files.map((f, i) => [standIns[i]?.toString('latin1') ?? f.name, f.data])), { mtime, level: 6 }));
  standIns.forEach((standIn, i) => {
    const gbk = names[i];
    if (!gbk || standIn.equals(gbk)) return;
    let found = 0;
    for (let at = zip.indexOf(standIn); at >= 0; at = zip.indexOf(standIn, at + standIn.length)) {
      gbk.copy(zip, at);
      found++;
    }
    if (found !== 2) throw new Error(`zip name stand-in found ${found} times, expected 2`);
  });
  return zip;
}

/** The day's bill as Alipay serves it: the ZIP bytes and the name Alipay gives the archive. */
export function buildAlipayBillZip(pid: string, date: string, entries: readonly AlipayBillEntry[], exportedAt: string): { fileName: string; zip: Buffer } {
  const day = date.replaceAll('-', '');
  const base = `${pid}_${day}`;
  const detail = iconv.encode(buildAlipayBill(pid, date, entries, exportedAt), 'gbk');
  const summary = iconv.encode(buildAlipayBillSummary(pid, date, entries, exportedAt), 'gbk');
  const zip = zipWithGbkNames(
    [
      { name: `${base}_业务明细.csv`, data: detail },
      { name: `${base}_业务明细(汇总).csv`, data: summary },
    ],
    new Date(`${date}T08:00:00Z`),
  );
  return { fileName: `${base}.csv.zip`, zip };
}
