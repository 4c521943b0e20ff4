import { type Db } from '../db/open';

/**
 * A business record that has just been committed (a completed sale, a refund, a void, a shift close, a
 * cash movement). Writers call `recordCommitted` INSIDE their own transaction, so whatever a sink writes
 * (the sync outbox) commits or rolls back together with the record: nothing is ever half-recorded.
 */
export type RecordKind = 'sale' | 'refund' | 'void' | 'shift_close' | 'cash_movement';
export type CommittedRecord = {
  kind: RecordKind;
  /** The record's id: the idempotency key downstream. */
  id: string;
  /** yyyy-mm-dd in the store's local day. */
  businessDate: string;
  createdAt: string;
  payload: Record<string, unknown>;
};
export type RecordSink = (db: Db, record: CommittedRecord) => void;

export type RecordBus = {
  addSink(sink: RecordSink): () => void;
  /** Must be called inside the writer's db.transaction. */
  committed(db: Db, record: CommittedRecord): void;
};

export function createRecordBus(): RecordBus {
  const sinks = new Set<RecordSink>();
  return {
    addSink(sink) {
      sinks.add(sink);
      return () => void sinks.delete(sink);
    },
    committed(db, record) {
      if (!db.inTransaction) throw new Error(`record ${record.kind} ${record.id} committed outside a transaction`);
      for (const sink of sinks) sink(db, record);
    },
  };
}
