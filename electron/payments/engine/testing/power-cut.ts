import path from 'node:path';
import Database from 'better-sqlite3';
import { RUN_MARKER_KEY } from '../power-loss';
import { type PaymentsTestHost } from './harness';

/**
 * TEST HELPER: the machine went down. The host restarts as after a power cut: its run never marked closed.
 * `also` edits the database while the host is off.
 */
export const powerCut = (h: PaymentsTestHost, also?: (db: Database.Database) => void): Promise<void> =>
  h.restart(() => {
    const db = new Database(path.join(h.dataDir, 'pos.db'));
    also?.(db);
    db.prepare("UPDATE settings SET value = 'running' WHERE key = ?").run(RUN_MARKER_KEY);
    db.close();
  });
