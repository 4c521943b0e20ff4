import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneReceiptFiles } from './receipt-files';
import { virtualSink } from './sinks';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'pos-receipts-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const jobId = (n: number): string => `019ab000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** Receipt n's two files, dated n seconds after a fixed moment. */
function writeReceipt(dir: string, n: number): string {
  const base = `R${n}-${jobId(n)}`;
  for (const ext of ['txt', 'bin']) {
    const file = join(dir, `${base}.${ext}`);
    writeFileSync(file, 'x');
    const t = new Date(Date.UTC(2026, 0, 1, 0, 0, n));
    utimesSync(file, t, t);
  }
  return base;
}

describe('pruneReceiptFiles', () => {
  it('keeps the newest receipts (both files each) and deletes the rest', async () => {
    const dir = tempDir();
    // Written out of order: age decides, not the order of the names.
    for (const n of [5, 1, 9, 3, 7, 2, 8, 4, 6, 10]) writeReceipt(dir, n);
    expect(await pruneReceiptFiles(dir, 3)).toBe(14);
    expect(readdirSync(dir).sort()).toEqual([8, 9, 10].flatMap((n) => [`R${n}-${jobId(n)}.bin`, `R${n}-${jobId(n)}.txt`]).sort());
  });

  it('leaves other files alone and does nothing at or under the limit', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'R1-not-a-job.txt'), 'mine too');
    for (let n = 1; n <= 3; n++) writeReceipt(dir, n);
    expect(await pruneReceiptFiles(dir, 3)).toBe(0);
    expect(await pruneReceiptFiles(dir, 1)).toBe(4);
    expect(readdirSync(dir).sort()).toEqual(['R1-not-a-job.txt', `R3-${jobId(3)}.bin`, `R3-${jobId(3)}.txt`, 'notes.txt'].sort());
  });

  it('never throws for a folder that does not exist', async () => {
    expect(await pruneReceiptFiles(join(tempDir(), 'missing'), 1)).toBe(0);
  });
});

describe('virtualSink', () => {
  it('prunes its folder as it prints, never failing a print', async () => {
    const dir = tempDir();
    for (let n = 1; n <= 5; n++) writeReceipt(dir, n);
    const sink = virtualSink(dir, 2);
    const outcome = await sink.print({ id: jobId(99), name: 'R99', bytes: Buffer.from([0x1b, 0x40]), previewText: ['hello'] });
    expect(outcome).toEqual({ ok: true, file: join(dir, `R99-${jobId(99)}.txt`) });
    await expect.poll(() => readdirSync(dir).length).toBe(4);
    expect(readdirSync(dir)).toContain(`R99-${jobId(99)}.bin`);
  });
});
