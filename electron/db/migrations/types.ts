import { type Database } from 'better-sqlite3';

/** One schema version. `up` runs inside the runner's transaction; it must be synchronous. */
export type Migration = {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
};
