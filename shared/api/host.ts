import { z } from 'zod';
import { method } from './define';
import { emptyInput } from './common';
import { settingsPatchSchema, settingsSchema } from '../settings';

export const connectivitySchema = z.enum(['online', 'degraded', 'offline']);

export const hostInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  storeId: z.string(),
  storeName: z.string(),
  terminalId: z.string(),
  terminalName: z.string(),
  dataDir: z.string(),
  dbPath: z.string(),
  mode: z.enum(['sandbox', 'live']),
  transport: z.enum(['electron', 'browser']),
  connectivity: connectivitySchema,
  startedAt: z.string(),
  schemaVersion: z.number().int(),
  devices: z.array(z.strictObject({ kind: z.string(), name: z.string(), state: z.string() })),
});
export type HostInfo = z.infer<typeof hostInfoSchema>;

export const hostMethods = {
  'host.info': method('public', emptyInput, hostInfoSchema),
  'settings.get': method('public', emptyInput, settingsSchema),
  'settings.update': method('manager', settingsPatchSchema, settingsSchema),
} as const;
