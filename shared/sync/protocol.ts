import { z } from 'zod';
import { fenSchema } from '../api/common';
import {
  businessDateSchema,
  entryKindSchema,
  idempotencyKeySchema,
  outboxEntrySchema,
  seqSchema,
  storeIdSchema,
  terminalIdSchema,
} from './entry';

export * from './entry';

/**
 * The terminal ↔ HQ sync protocol (docs/sync-protocol.md). Pure: schemas, limits and header names only;
 * signing lives in electron/sync/client/auth.ts because it needs Node crypto.
 */
export const SYNC_PATHS = {
  batches: '/v1/batches',
  health: '/v1/health',
  totals: '/v1/totals',
  conflicts: '/v1/conflicts',
  entries: '/v1/entries',
} as const;

export const SYNC_HEADERS = {
  terminalId: 'x-terminal-id',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

/** At most this many entries per batch; the worker splits larger backlogs. */
export const MAX_BATCH_ENTRIES = 500;
/** Largest request body HQ reads; larger requests get 413 before any parsing. */
export const MAX_BATCH_BODY_BYTES = 8 * 1024 * 1024;
/**
 * Largest single entry, as UTF-8 JSON; a larger one is rejected (only that entry). A sale at the till's
 * limit (MAX_SALE_LINES lines, each with a 64-character name and sku that JSON may escape to 6 bytes a
 * character) is under 450 KiB.
 */
export const MAX_ENTRY_BYTES = 512 * 1024;
/** Default accepted clock skew between terminal and HQ, either direction. */
export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60 * 1000;

/** What the terminal sends. The client builds it from typed entries. */
export const batchRequestSchema = z.strictObject({
  terminalId: terminalIdSchema,
  entries: z.array(outboxEntrySchema).min(1).max(MAX_BATCH_ENTRIES),
});
export type BatchRequest = z.infer<typeof batchRequestSchema>;

/**
 * What HQ reads first: the envelope only. Entries are validated one by one so a bad entry is rejected
 * alone while the rest of the batch is stored.
 */
export const batchEnvelopeSchema = z.strictObject({
  terminalId: terminalIdSchema,
  entries: z.array(z.unknown()).min(1).max(MAX_BATCH_ENTRIES),
});

/**
 * - stored: written now. duplicate: already stored earlier (same terminal + key, same content).
 *   Both mean "HQ has it": the terminal marks the entry sent.
 * - rejected: invalid entry; resending it unchanged will never succeed. The terminal parks it and alerts.
 * - conflict: the terminal's sequence or key clashes with a different stored entry (e.g. a terminal database
 *   copied to a second machine). Not stored in the ledger, recorded for an operator; the terminal keeps the
 *   entry, stops treating it as sendable and alerts.
 */
export const ACK_STATUSES = ['stored', 'duplicate', 'rejected', 'conflict'] as const;
export const ackStatusSchema = z.enum(ACK_STATUSES);
export type AckStatus = z.infer<typeof ackStatusSchema>;

export const CONFLICT_KINDS = ['seq_reused', 'key_reused'] as const;
export const conflictKindSchema = z.enum(CONFLICT_KINDS);
export type ConflictKind = z.infer<typeof conflictKindSchema>;

export const entryAckSchema = z.strictObject({
  /** Position of the entry in the request's `entries`. */
  index: z.number().int().min(0).max(MAX_BATCH_ENTRIES - 1),
  /** Null only for a rejected entry whose key could not be read. */
  idempotencyKey: idempotencyKeySchema.nullable(),
  seq: seqSchema.nullable(),
  status: ackStatusSchema,
  error: z.string().max(1000).optional(),
  conflict: conflictKindSchema.optional(),
});
export type EntryAck = z.infer<typeof entryAckSchema>;

/** May cover only part of the batch (HQ crashed mid-answer, proxy cut): unacked entries are resent. */
export const batchResponseSchema = z.strictObject({
  results: z.array(entryAckSchema).max(MAX_BATCH_ENTRIES),
});
export type BatchResponse = z.infer<typeof batchResponseSchema>;

/** Body of every non-2xx answer from HQ. */
export const hqErrorBodySchema = z.strictObject({
  error: z.strictObject({ code: z.string().max(64), message: z.string().max(1000) }),
});
export type HqErrorBody = z.infer<typeof hqErrorBodySchema>;

export const healthResponseSchema = z.strictObject({
  ok: z.literal(true),
  service: z.literal('pos-hq'),
  protocolVersion: z.number().int(),
  time: z.string(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const totalsQuerySchema = z.strictObject({
  date: businessDateSchema,
  storeId: storeIdSchema,
});
export type TotalsQuery = z.infer<typeof totalsQuerySchema>;

/** Daily figures for one slice (store, terminal, or tender group). net = sales - refunds - voids. */
export const totalsFiguresSchema = z.strictObject({
  salesCount: z.number().int().min(0),
  salesFen: fenSchema,
  refundsCount: z.number().int().min(0),
  refundsFen: fenSchema,
  voidsCount: z.number().int().min(0),
  voidsFen: fenSchema,
  netFen: fenSchema,
});
export type TotalsFigures = z.infer<typeof totalsFiguresSchema>;

/** 'cash', a channel code ('wechat', 'alipay', ...), or 'code' for a code tender without a channel. */
export const tenderTotalsSchema = totalsFiguresSchema.extend({ tender: z.string() });
export type TenderTotals = z.infer<typeof tenderTotalsSchema>;

export const terminalTotalsSchema = totalsFiguresSchema.extend({
  terminalId: terminalIdSchema,
  byTender: z.array(tenderTotalsSchema),
});
export type TerminalTotals = z.infer<typeof terminalTotalsSchema>;

/**
 * A stored entry HQ can no longer read as an entry (a hand-edited row, or one stored under an older schema):
 * left out of the figures and listed, so one bad row never hides a store's day.
 */
export const unreadableEntrySchema = z.strictObject({
  terminalId: terminalIdSchema,
  seq: seqSchema,
  idempotencyKey: idempotencyKeySchema,
  reason: z.string(),
});
export type UnreadableEntry = z.infer<typeof unreadableEntrySchema>;

export const dailyTotalsSchema = z.strictObject({
  date: businessDateSchema,
  storeId: storeIdSchema,
  store: totalsFiguresSchema,
  byTender: z.array(tenderTotalsSchema),
  byTerminal: z.array(terminalTotalsSchema),
  /** The store's records made in training mode, counted apart (in none of the figures above); absent when none. */
  training: totalsFiguresSchema.optional(),
  /** Stored entries of that day HQ could not read, counted in no figure; absent when none. */
  unreadable: z.array(unreadableEntrySchema).optional(),
});
export type DailyTotals = z.infer<typeof dailyTotalsSchema>;

export const conflictRecordSchema = z.strictObject({
  id: z.number().int(),
  terminalId: terminalIdSchema,
  kind: conflictKindSchema,
  seq: seqSchema,
  idempotencyKey: idempotencyKeySchema,
  /** The already stored entry it clashes with. */
  storedIdempotencyKey: idempotencyKeySchema,
  storedSeq: seqSchema,
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  timesSeen: z.number().int().min(1),
  /** The refused entry as received, so an operator can still book it. */
  entry: z.unknown(),
});
export type ConflictRecord = z.infer<typeof conflictRecordSchema>;

export const conflictsResponseSchema = z.strictObject({ conflicts: z.array(conflictRecordSchema) });

export const storedEntrySchema = z.strictObject({
  terminalId: terminalIdSchema,
  seq: seqSchema,
  idempotencyKey: idempotencyKeySchema,
  kind: entryKindSchema,
  receivedAt: z.string(),
  entry: outboxEntrySchema,
});
export type StoredEntry = z.infer<typeof storedEntrySchema>;

/**
 * `unreadable`: stored rows of the page that no longer parse as entries (absent when none), with the raw
 * entry; they use up `limit` like the others, so the next page starts after the highest seq of both lists.
 */
export const entriesResponseSchema = z.strictObject({
  entries: z.array(storedEntrySchema),
  unreadable: z.array(unreadableEntrySchema.extend({ receivedAt: z.string(), entry: z.unknown() })).optional(),
});
