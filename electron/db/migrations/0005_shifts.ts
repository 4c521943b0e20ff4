import { type Migration } from './types';

/**
 * Shifts and cash movements (the cash drawer's story between opening and closing). At most one shift is
 * open on a terminal at a time. A closed shift keeps its figures frozen, and the table itself checks the
 * drawer arithmetic: expected = float + cash sales − cash given back + cash in − cash out, and
 * difference = counted − expected. Cash movements are append-only money records, like the audit log.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'shifts',
  up(db) {
    db.exec(`
      CREATE TABLE shifts (
        id TEXT PRIMARY KEY,
        terminal_id TEXT NOT NULL,
        store_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        business_date TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        opened_by TEXT NOT NULL,
        opening_float_fen INTEGER NOT NULL CHECK (opening_float_fen >= 0),
        closed_at TEXT,
        closed_by TEXT,
        cash_sales_fen INTEGER CHECK (cash_sales_fen >= 0),
        cash_refunds_fen INTEGER CHECK (cash_refunds_fen >= 0),
        cash_in_fen INTEGER CHECK (cash_in_fen >= 0),
        cash_out_fen INTEGER CHECK (cash_out_fen >= 0),
        expected_cash_fen INTEGER,
        counted_cash_fen INTEGER CHECK (counted_cash_fen >= 0),
        difference_fen INTEGER,
        note TEXT CHECK (note IS NULL OR length(note) <= 500),
        CHECK ((status = 'open') = (closed_at IS NULL)),
        CHECK (status = 'closed' OR (closed_by IS NULL AND cash_sales_fen IS NULL AND cash_refunds_fen IS NULL AND cash_in_fen IS NULL
          AND cash_out_fen IS NULL AND expected_cash_fen IS NULL AND counted_cash_fen IS NULL AND difference_fen IS NULL)),
        CHECK (status = 'open' OR (closed_by IS NOT NULL AND counted_cash_fen IS NOT NULL
          AND expected_cash_fen = opening_float_fen + cash_sales_fen - cash_refunds_fen + cash_in_fen - cash_out_fen
          AND difference_fen = counted_cash_fen - expected_cash_fen))
      ) STRICT;
      -- The "at most one open shift" rule, enforced by the database, not only by the service.
      CREATE UNIQUE INDEX shifts_one_open ON shifts (status) WHERE status = 'open';
      CREATE INDEX shifts_closed ON shifts (closed_at) WHERE status = 'closed';
      -- A closed shift is what HQ received: it never changes again, and no shift is ever deleted.
      CREATE TRIGGER shifts_closed_frozen BEFORE UPDATE ON shifts WHEN OLD.status = 'closed'
        BEGIN SELECT RAISE(ABORT, 'a closed shift cannot change'); END;
      CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
        BEGIN SELECT RAISE(ABORT, 'shifts are never deleted'); END;

      CREATE TABLE cash_movements (
        id TEXT PRIMARY KEY,
        shift_id TEXT NOT NULL REFERENCES shifts (id),
        -- The client's idempotency key: a double-submitted "cash in" is recorded once.
        request_id TEXT UNIQUE,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
        reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 256),
        actor TEXT NOT NULL,
        authorized_by TEXT,
        created_at TEXT NOT NULL,
        business_date TEXT NOT NULL,
        -- Cash out is manager-approved.
        CHECK (direction = 'in' OR authorized_by IS NOT NULL)
      ) STRICT;
      CREATE INDEX cash_movements_by_shift ON cash_movements (shift_id, created_at);

      CREATE TRIGGER cash_movements_open_shift BEFORE INSERT ON cash_movements
        WHEN (SELECT status FROM shifts WHERE id = NEW.shift_id) IS NOT 'open'
        BEGIN SELECT RAISE(ABORT, 'cash movement needs an open shift'); END;
      CREATE TRIGGER cash_movements_no_update BEFORE UPDATE ON cash_movements
        BEGIN SELECT RAISE(ABORT, 'cash_movements is append-only'); END;
      CREATE TRIGGER cash_movements_no_delete BEFORE DELETE ON cash_movements
        BEGIN SELECT RAISE(ABORT, 'cash_movements is append-only'); END;

      -- The open shift's live figures sum cash tenders and cash given back since it opened; these partial
      -- indexes keep that a range read instead of a scan of every tender the terminal ever took.
      CREATE INDEX tenders_cash_by_time ON tenders (created_at) WHERE kind = 'cash';
      CREATE INDEX refund_parts_cash_by_time ON refund_parts (updated_at) WHERE kind = 'cash' AND state = 'succeeded';
    `);
  },
};
