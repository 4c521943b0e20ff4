import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The virtual printer's folder is a rolling window, not an archive: the database holds every sale and its
 * receipt job, so the files (a preview `.txt` and the exact bytes `.bin` per receipt) only need to cover
 * recent receipts. A till without a printer prints all day, and an unbounded folder would grow by
 * thousands of files a day.
 */
export const KEEP_RECEIPT_FILES = 1000;

const RECEIPT_FILE = /^(.+-[0-9a-f-]{36})\.(txt|bin)$/;

/**
 * Deletes the oldest receipts' files beyond the newest `keep` receipts (by modification time; both files of
 * a receipt go together). Other files in the folder are left alone. Returns how many files were deleted.
 * Never throws: a folder that is missing or cannot be read is simply not pruned.
 */
export async function pruneReceiptFiles(dir: string, keep = KEEP_RECEIPT_FILES): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const receipts = new Map<string, { files: string[]; mtimeMs: number }>();
  for (const name of names) {
    const base = RECEIPT_FILE.exec(name)?.[1];
    if (base === undefined) continue;
    const entry = receipts.get(base) ?? { files: [], mtimeMs: 0 };
    entry.files.push(name);
    receipts.set(base, entry);
  }
  if (receipts.size <= keep) return 0;
  for (const entry of receipts.values()) {
    for (const file of entry.files) {
      try {
        entry.mtimeMs = Math.max(entry.mtimeMs, (await stat(join(dir, file))).mtimeMs);
      } catch {
        // Deleted meanwhile: counts as oldest.
      }
    }
  }
  // Newest first; the same moment is ordered by name (the job id is a UUIDv7, so later jobs sort later).
  const ordered = [...receipts.entries()].sort(([a, x], [b, y]) => y.mtimeMs - x.mtimeMs || (a < b ? 1 : a > b ? -1 : 0));
  let deleted = 0;
  for (const [, entry] of ordered.slice(keep)) {
    for (const file of entry.files) {
      try {
        await unlink(join(dir, file));
        deleted++;
      } catch {
        // Already gone: nothing to do.
      }
    }
  }
  return deleted;
}
