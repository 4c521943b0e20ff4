import { migration0001 } from './0001_foundation';
import { migration0002 } from './0002_sales_payments';
import { migration0003 } from './0003_devices';
import { migration0004 } from './0004_outbox';
import { migration0005 } from './0005_shifts';
import { migration0006 } from './0006_refund_receipts';
import { migration0007 } from './0007_give_back_amount';
import { migration0008 } from './0008_late_charge_check';
import { migration0009 } from './0009_refund_failure_unverified';
import { migration0010 } from './0010_sales_paying_index';
import { migration0011 } from './0011_training_sales';
import { migration0012 } from './0012_sales_ended_late_index';
import { migration0013 } from './0013_shift_cash_marks';
import { migration0014 } from './0014_refund_parts_unfinished_index';
import { type Migration } from './types';

/** Every migration in version order. A new version is a new file appended here, never an edit. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012, migration0013, migration0014];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
