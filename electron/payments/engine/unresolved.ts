import { type Db } from '../../db/open';
import { stmt } from '../../db/stmt';
import { PosError } from '../../../shared/api/result';
import { type Gateway } from '../../../shared/sales/views';
import { BURNT_CODE_PREFIX } from './attempts';

/** What is still open at the gateways: attempts and code refund parts not final, late-charge checks still
 * to come (reversal.ts), and sales still being checked after an unclean shutdown (`uncertainSales`, in memory
 * only). `gateways`: only those gateways. */
export type Unresolved = { attempts: number; refundParts: number; lateChecks: number; uncertainSales: number };

export function countUnresolved(db: Db, uncertainSales: number, gateways?: readonly Gateway[]): Unresolved {
  const filter = gateways ? ` AND a.gateway IN (${gateways.map(() => '?').join(', ') || "''"})` : '';
  const args = gateways ?? [];
  const attempts = (stmt(db, `SELECT COUNT(*) AS n FROM payment_attempts a WHERE a.state NOT IN ('succeeded', 'failed', 'reversed')${filter}`).get(...args) as { n: number }).n;
  // A late-charge check to come needs its gateway; a number burnt after a power loss is asked at every one.
  const lateFilter = gateways ? ` AND (a.gateway IN (${gateways.map(() => '?').join(', ') || "''"}) OR a.code_hash LIKE '${BURNT_CODE_PREFIX}%')` : '';
  const lateChecks = (stmt(db, `SELECT COUNT(*) AS n FROM payment_attempts a WHERE a.late_check_ms IS NOT NULL${lateFilter}`).get(...args) as { n: number }).n;
  // A code refund part goes to the gateway of the attempt its tender came from. A part Jeepay refused without
  // a signature still holds its amount, and its retry goes under the same number to the same merchant.
  const refundParts = (
    stmt(
      db,
      `SELECT COUNT(*) AS n FROM refund_parts p JOIN tenders t ON t.id = p.tender_id JOIN payment_attempts a ON a.id = t.attempt_id
        WHERE (p.state NOT IN ('succeeded', 'failed') OR (p.state = 'failed' AND p.failure_unverified = 1))${filter}`,
    ).get(...args) as { n: number }
  ).n;
  return { attempts, refundParts, lateChecks, uncertainSales };
}

/**
 * Refuses a change of where payments go (training ↔ live, or a live gateway's merchant or endpoint) while
 * anything it would strand is open: its queries, reversals and refunds would reach a gateway that knows
 * nothing of it, and a charge could be kept unseen.
 */
export function refuseWhileUnresolved(u: Unresolved, change: string): void {
  if (u.attempts + u.refundParts + u.lateChecks + u.uncertainSales === 0) return;
  const parts = [
    u.attempts ? `${u.attempts} payment(s)` : '',
    u.refundParts ? `${u.refundParts} refund part(s)` : '',
    // Not in the unresolved list (those payments ended): each is asked about again about five minutes after it.
    u.lateChecks ? `${u.lateChecks} check(s) for a late charge (due within minutes)` : '',
    u.uncertainSales ? `${u.uncertainSales} sale(s) still being checked after an unclean shutdown` : '',
  ].filter((x) => x !== '');
  throw new PosError('PAYMENT_PENDING', `${parts.join(', ')} still unresolved: resolve them before ${change}`);
}
