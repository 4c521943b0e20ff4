import { migration0001 } from './0001_foundation';
import { type Migration } from './types';

/** Every migration in version order. A new version is a new file appended here, never an edit. */
export const MIGRATIONS: readonly Migration[] = [migration0001];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
