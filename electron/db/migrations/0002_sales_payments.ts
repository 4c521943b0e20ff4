import { type Migration } from './types';

/**
 * Sales (lines, tenders, receipt counters), payment attempts (the persisted state machine of
 * ARCHITECTURE §4) and refunds. Money is integer fen; times that drive timers are epoch ms integers.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'sales_payments',
  up(db) {
    db.exec(`
      -- Receipt numbers run per terminal and business day.
      CREATE TABLE receipt_counters (
        terminal_id TEXT NOT NULL,
        business_date TEXT NOT NULL,
        last_no INTEGER NOT NULL CHECK (last_no >= 0),
        PRIMARY KEY (terminal_id, business_date)
      ) STRICT;

      CREATE TABLE sales (
        id TEXT PRIMARY KEY,
        terminal_id TEXT NOT NULL,
        store_id TEXT NOT NULL,
        business_date TEXT NOT NULL,
        receipt_seq INTEGER NOT NULL CHECK (receipt_seq > 0),
        receipt_no TEXT NOT NULL UNIQUE,
        cashier_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'paying', 'paid', 'voided', 'partly_refunded', 'refunded')),
        subtotal_fen INTEGER NOT NULL CHECK (subtotal_fen >= 0),
        discount_fen INTEGER NOT NULL CHECK (discount_fen >= 0),
        total_fen INTEGER NOT NULL CHECK (total_fen >= 0),
        paid_fen INTEGER NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= total_fen),
        refunded_fen INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= paid_fen),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        completed_at TEXT,
        voided_at TEXT,
        void_reason TEXT,
        UNIQUE (terminal_id, business_date, receipt_seq)
      ) STRICT;
      CREATE INDEX sales_by_day ON sales (business_date, created_at);

      CREATE TABLE sale_lines (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL REFERENCES sales (id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('product', 'amount')),
        sku TEXT,
        name TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen >= 0),
        gross_fen INTEGER NOT NULL CHECK (gross_fen >= 0),
        discount_fen INTEGER NOT NULL CHECK (discount_fen >= 0 AND discount_fen <= gross_fen),
        total_fen INTEGER NOT NULL CHECK (total_fen = gross_fen - discount_fen),
        created_at TEXT NOT NULL,
        UNIQUE (sale_id, seq)
      ) STRICT;

      -- One code payment try. order_no is committed before the first request and never reused;
      -- code_hash (keyed HMAC of the code) makes a second submission of the same code impossible.
      CREATE TABLE payment_attempts (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL REFERENCES sales (id),
        order_no TEXT NOT NULL UNIQUE,
        wallet TEXT NOT NULL,
        gateway TEXT NOT NULL CHECK (gateway IN ('wechat', 'alipay', 'unionpay', 'jeepay')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
        code_hash TEXT NOT NULL UNIQUE,
        code_masked TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('created', 'sent', 'pending', 'succeeded', 'failed', 'reversing', 'reversed')),
        phase TEXT NOT NULL,
        reason TEXT,
        transaction_id TEXT,
        cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
        queries INTEGER NOT NULL DEFAULT 0,
        reverse_calls INTEGER NOT NULL DEFAULT 0,
        -- Past the reverse window a charge is given back by a refund with this number.
        reverse_refund_no TEXT UNIQUE,
        created_ms INTEGER NOT NULL,
        sent_ms INTEGER,
        resolved_ms INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX payment_attempts_open ON payment_attempts (state) WHERE state NOT IN ('succeeded', 'failed', 'reversed');
      CREATE INDEX payment_attempts_by_sale ON payment_attempts (sale_id);

      CREATE TABLE tenders (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL REFERENCES sales (id),
        kind TEXT NOT NULL CHECK (kind IN ('cash', 'code')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
        given_fen INTEGER,
        change_fen INTEGER,
        attempt_id TEXT UNIQUE REFERENCES payment_attempts (id),
        refunded_fen INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
        created_at TEXT NOT NULL,
        CHECK ((kind = 'code') = (attempt_id IS NOT NULL))
      ) STRICT;
      CREATE INDEX tenders_by_sale ON tenders (sale_id);

      -- A refund (or the give-back of a voided sale), approved by a manager; requested once per id.
      CREATE TABLE refunds (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL REFERENCES sales (id),
        purpose TEXT NOT NULL CHECK (purpose IN ('refund', 'void')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
        reason TEXT,
        requested_by TEXT NOT NULL,
        authorized_by TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      -- One per tender touched. refund_no is the channel's idempotency key, reused on every retry.
      CREATE TABLE refund_parts (
        id TEXT PRIMARY KEY,
        refund_id TEXT NOT NULL REFERENCES refunds (id),
        tender_id TEXT NOT NULL REFERENCES tenders (id),
        kind TEXT NOT NULL CHECK (kind IN ('cash', 'code')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
        refund_no TEXT UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('created', 'sent', 'pending', 'succeeded', 'failed')),
        reason TEXT,
        channel_refund_id TEXT,
        calls INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((kind = 'code') = (refund_no IS NOT NULL))
      ) STRICT;
      CREATE INDEX refund_parts_by_refund ON refund_parts (refund_id);
      CREATE INDEX refund_parts_open ON refund_parts (state) WHERE state NOT IN ('succeeded', 'failed');
    `);
  },
};
