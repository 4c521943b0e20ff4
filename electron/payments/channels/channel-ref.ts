/**
 * A channel's own id for a charge or refund (transaction_id, trade_no, queryId, refund_id...) as we can
 * store and show it: 1-64 printable ASCII characters, no spaces. Anything else is treated like a missing id.
 */
export function channelRef(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\x21-\x7e]{1,64}$/.test(value) ? value : undefined;
}
