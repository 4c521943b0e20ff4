import { type Db } from '../../db/open';
import { stmt } from '../../db/stmt';
import { PosError } from '../../../shared/api/result';
import { type Gateway } from '../../../shared/sales/views';

/** What is still open at the gateways: attempts and code refund parts not final, and sales still being
 * checked after an unclean shutdown (`uncertainSales`, in memory only). `gateways`: only those gateways. */
export type Unresolved = { attempts: number; refundParts: number; uncertainSales: number };

export function countUnresolved(db: Db, uncertainSales: number, gateways?: readonly Gateway[]): Unresolved {
  const filter = gateways ? ` AND a.gateway IN (${gateways.map(() => '?').join(', ') || "''"})` : '';
  const args = gateways ?? [];
  // A reversed attempt whose late-charge check is still to come counts: that check needs the same gateway.
  const attempts = (stmt(db, `SELECT COUNT(*) AS n FROM payment_attempts a WHERE (a.state NOT IN ('succeeded', 'failed', 'reversed') OR a.late_check_ms IS NOT NULL)${filter}`).get(...args) as { n: number }).n;
  // A code refund part goes to the gateway of the attempt its tender came from.
  const refundParts = (
    stmt(
      db,
      `SELECT COUNT(*) AS n FROM refund_parts p JOIN tenders t ON t.id = p.tender_id JOIN payment_attempts a ON a.id = t.attempt_id
        WHERE p.state NOT IN ('succeeded', 'failed')${filter}`,
    ).get(...args) as { n: number }
  ).n;
  return { attempts, refundParts, uncertainSales };
}

/**
 * Refuses a change of where payments go (training ↔ live, or a live gateway's merchant or endpoint) while
 * anything it would strand is open: its queries, reversals and refunds would reach a gateway that knows
 * nothing of it, and a charge could be kept unseen.
 */
export function refuseWhileUnresolved(u: Unresolved, change: string): void {
  if (u.attempts + u.refundParts + u.uncertainSales === 0) return;
  const parts = [
    u.attempts ? `${u.attempts} payment(s)` : '',
    u.refundParts ? `${u.refundParts} refund part(s)` : '',
    u.uncertainSales ? `${u.uncertainSales} sale(s) still being checked after an unclean shutdown` : '',
  ].filter((x) => x !== '');
  throw new PosError('PAYMENT_PENDING', `${parts.join(', ')} still unresolved: resolve them before ${change}`);
}
