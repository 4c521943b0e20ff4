/**
 * The Alipay bill download: a ZIP (`<pid>_<yyyyMMdd>.csv.zip`) holding two GBK CSV files, the trade detail
 * (`…_业务明细.csv`) and its summary (`…_业务明细(汇总).csv`). File names are GBK too, without ZIP's
 * UTF-8 flag. This module reads the ZIP's central directory (names, sizes, CRC-32) itself and inflates each
 * entry with zlib, stopping at the size the directory declares, so that a truncated, tampered or zip-bombed
 * archive is refused, quickly and in bounded memory, instead of half-read. (A general unzip library reads
 * its own idea of the directory, ZIP64 records included, and inflates a whole stream before any size check.)
 */
import iconv from 'iconv-lite';
import { crc32, inflateRawSync } from 'node:zlib';
import { AlipayBillError } from './bill';

/** No daily bill comes near these. */
export const MAX_BILL_ENTRY_BYTES = 64 * 1024 * 1024;
const MAX_BILL_TOTAL_BYTES = 128 * 1024 * 1024;
const MAX_ENTRIES = 64;

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;

type Entry = {
  /** Decoded name: UTF-8 when the entry says so, else GBK (what Alipay writes). */
  name: string;
  /** The raw name bytes as a string key (UTF-8 when flagged, else Latin-1): for duplicate checks. */
  key: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
};

const corrupt = (message: string): AlipayBillError => new AlipayBillError('CORRUPT_ZIP', `Corrupt bill archive: ${message}`);

function centralDirectory(buf: Buffer): Entry[] {
  if (buf.length < 4 || (buf.readUInt32LE(0) !== LOCAL_SIG && buf.readUInt32LE(0) !== END_SIG)) {
    const start = buf.subarray(0, 16).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    throw new AlipayBillError('NOT_ZIP', `The bill download is not a ZIP archive (starts with "${start}")`);
  }
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === END_SIG) {
      end = i;
      break;
    }
  }
  if (end < 0) throw corrupt('no end-of-directory record (truncated download?)');
  const count = buf.readUInt16LE(end + 10);
  const dirSize = buf.readUInt32LE(end + 12);
  const dirOffset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw corrupt('ZIP64 archives are not expected for a daily bill');
  if (count > MAX_ENTRIES) throw new AlipayBillError('TOO_LARGE', `The bill archive has ${count} files`);
  if (dirOffset + dirSize > end) throw corrupt('the directory lies outside the archive');
  const entries: Entry[] = [];
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > end || buf.readUInt32LE(p) !== CENTRAL_SIG) throw corrupt(`directory entry ${n + 1} is damaged`);
    const flags = buf.readUInt16LE(p + 8);
    const nameLen = buf.readUInt16LE(p + 28);
    const next = p + 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    if (next > end) throw corrupt(`directory entry ${n + 1} runs past the directory`);
    const raw = buf.subarray(p + 46, p + 46 + nameLen);
    const utf8 = (flags & 0x800) !== 0;
    entries.push({
      name: utf8 ? raw.toString('utf8') : iconv.decode(raw, 'gb18030'),
      key: raw.toString(utf8 ? 'utf8' : 'latin1'),
      flags,
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    });
    p = next;
  }
  return entries;
}

/**
 * One entry's bytes, exactly its declared size: read after its local header, inflated with zlib capped at
 * that size (a stream that would inflate past it stops there and is refused, whatever the archive claims
 * elsewhere).
 */
function inflateEntry(body: Buffer, e: Entry): Buffer {
  const start = e.localOffset + 30 + body.readUInt16LE(e.localOffset + 26) + body.readUInt16LE(e.localOffset + 28);
  if (start + e.compressedSize > body.length) throw corrupt(`${e.name} runs past the end of the archive (truncated download?)`);
  const raw = body.subarray(start, start + e.compressedSize);
  let data: Buffer;
  if (e.method === 0) data = raw;
  else {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
    } catch (err) {
      const tooBig = typeof err === 'object' && err !== null && 'code' in err && err.code === 'ERR_BUFFER_TOO_LARGE';
      throw corrupt(tooBig ? `${e.name} inflates past its declared ${e.size} bytes` : `${e.name} does not inflate: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (data.length !== e.size) throw corrupt(`${e.name} is ${data.length} bytes, its directory says ${e.size}`);
  return data;
}

const isCsv = (e: Entry): boolean => /\.csv$/i.test(e.name);
const headerLine = (text: string): string => text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';

export type AlipayBillArchive = { detailName: string; detailText: string; files: string[] };

/** The downloaded archive → the decoded trade-detail CSV. Throws `AlipayBillError` with a typed code. */
export function readAlipayBillZip(body: Buffer): AlipayBillArchive {
  const entries = centralDirectory(body);
  const csvs = entries.filter(isCsv);
  if (csvs.length === 0) throw new AlipayBillError('NO_DETAIL_FILE', `The bill archive has no CSV file (${entries.map((e) => e.name).join(', ') || 'empty'})`);
  if (new Set(csvs.map((e) => e.key)).size !== csvs.length) throw corrupt('two files with the same name');
  let total = 0;
  for (const e of csvs) {
    if ((e.flags & 1) !== 0) throw corrupt(`${e.name} is encrypted`);
    if (e.method !== 0 && e.method !== 8) throw corrupt(`${e.name} uses compression method ${e.method}`);
    if (e.size > MAX_BILL_ENTRY_BYTES || (total += e.size) > MAX_BILL_TOTAL_BYTES) throw new AlipayBillError('TOO_LARGE', `${e.name} is larger than a daily bill can be`);
    if (e.localOffset + 30 > body.length || body.readUInt32LE(e.localOffset) !== LOCAL_SIG) throw corrupt(`${e.name}: its local header is missing`);
  }
  const texts = csvs.map((e) => {
    const data = inflateEntry(body, e);
    if (crc32(data) !== e.crc) throw corrupt(`${e.name} fails its CRC-32 check`);
    return { name: e.name, text: iconv.decode(data, 'gb18030').replace(/^\uFEFF/, '') };
  });
  // The detail is the CSV whose header names the merchant order number; the summary has no such column.
  const details = texts.filter((t) => headerLine(t.text).includes('商户订单号'));
  const byName = details.length > 1 ? details.filter((t) => !t.name.includes('汇总')) : details;
  const names = texts.map((t) => t.name);
  if (details.length === 0) throw new AlipayBillError('NO_DETAIL_FILE', `The bill archive has no trade-detail CSV (files: ${names.join(', ')})`);
  const [detail, ...others] = byName.length > 0 ? byName : details;
  if (!detail || others.length > 0) throw new AlipayBillError('AMBIGUOUS_DETAIL_FILE', `More than one file looks like the trade detail: ${names.join(', ')}`);
  return { detailName: detail.name, detailText: detail.text, files: names };
}
