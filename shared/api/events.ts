import { z } from 'zod';
import { connectivitySchema } from './host';
import { settingsSchema } from '../settings';

/**
 * Every event the host pushes to clients. A later domain adds its events here; the transports forward
 * exactly these names and nothing else.
 */
export const eventSchemas = {
  'settings.changed': settingsSchema,
  'connectivity.changed': z.strictObject({ state: connectivitySchema, reason: z.string() }),
  'host.notice': z.strictObject({ level: z.enum(['info', 'warn', 'error']), message: z.string() }),
} as const;

/**
 * Events any connection may receive, signed in or not (the same facts `settings.get` and `host.info` give
 * to anyone). Every other event (scans with their codes, sales, payments, shifts, sync) goes only to
 * connections with a session.
 */
export const PUBLIC_EVENTS: ReadonlySet<string> = new Set(Object.keys(eventSchemas));
