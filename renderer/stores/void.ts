import { type Result } from '../../shared/api/result';
import { type SaleView } from '../../shared/sales/views';
import { useApp } from './app';
import { useCheckout } from './checkout';
import { saleVoided } from './sales';

export type VoidRequest = { saleId: string; reason: string; authorize?: { userId: string; pin: string } };

/**
 * Voids an unpaid sale (`sale.void`, manager-approved). The host cancels an unresolved code payment and
 * gives part payments back (cash at once, codes by refund). The answer is the voided sale: the checkout
 * (when it is its current sale) and the Sales screen show it at once; the host's result, an error
 * included, goes back to the caller to show.
 */
export async function voidSale(req: VoidRequest): Promise<Result<SaleView>> {
  const api = useApp.getState().api;
  if (!api) throw new Error('no API client');
  const reason = req.reason.trim();
  const r = await api.call('sale.void', { saleId: req.saleId, ...(reason ? { reason } : {}), ...(req.authorize ? { authorize: req.authorize } : {}) });
  if (!r.ok) return r;
  const checkout = useCheckout.getState();
  if (checkout.sale?.id === r.value.id) {
    checkout.setSale(r.value);
    checkout.setError(null);
  }
  await saleVoided(r.value);
  return r;
}
