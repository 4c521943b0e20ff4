import { describe, expect, it } from 'vitest';
import { type AttemptView, type SaleView } from '../../shared/sales/views';
import { checkoutScanAction } from './checkout-scan-action';
import { UNREADABLE_SCAN } from '../../shared/api/devices';

const sale = { id: 's', status: 'open', dueFen: 300 } as SaleView;
const waiting = { state: 'pending' } as AttemptView;
const pay = { code: '134567890123456789', classification: { kind: 'payment' as const, channel: 'wechat' as const, detail: null } };
const other = { code: 'HELLO', classification: { kind: 'unknown' as const, channel: null, detail: 'not digits' } };
const unreadable = { code: UNREADABLE_SCAN, classification: { kind: 'unknown' as const, channel: null, detail: 'unreadable scan: control byte 0x02' } };

describe('checkoutScanAction', () => {
  it('pays only with a payment code, while an amount is due and nothing is running; says why otherwise', () => {
    expect(checkoutScanAction(pay, { sale, attempt: null, busy: false })).toEqual({ pay: true });
    expect(checkoutScanAction(pay, { sale, attempt: { state: 'failed' } as AttemptView, busy: false })).toEqual({ pay: true });
    expect(checkoutScanAction(pay, { sale, attempt: waiting, busy: false })).toMatchObject({ pay: false, code: 'PAYMENT_PENDING', key: 'checkout.scan.running' });
    // Another call out (a line being added) is not "a payment running": said as it is.
    expect(checkoutScanAction(pay, { sale, attempt: null, busy: true })).toMatchObject({ pay: false, code: 'PAYMENT_PENDING', key: 'checkout.scan.busy' });
    expect(checkoutScanAction(pay, { sale: { ...sale, dueFen: 0 }, attempt: null, busy: false })).toMatchObject({ pay: false, code: 'INVALID_STATE' });
    const free = { ...sale, dueFen: 0, totalFen: 0, lines: [{ totalFen: 0 }] } as SaleView;
    expect(checkoutScanAction(pay, { sale: free, attempt: null, busy: false })).toMatchObject({ pay: false, code: 'INVALID_STATE', key: 'checkout.scan.freeSale' });
    expect(checkoutScanAction(other, { sale, attempt: null, busy: false })).toMatchObject({ pay: false, code: 'CODE_UNSUPPORTED' });
    expect(checkoutScanAction(pay, { sale: null, attempt: null, busy: false })).toBeNull();
    // Bytes the scanner sent that make no code: the cashier is asked to scan again.
    expect(checkoutScanAction(unreadable, { sale, attempt: null, busy: false })).toMatchObject({ pay: false, key: 'checkout.scan.unreadable' });
    // A scanner test is running (the Devices screen): never a payment, and the checkout says why.
    expect(checkoutScanAction({ ...pay, test: true }, { sale, attempt: null, busy: false })).toMatchObject({ pay: false, key: 'checkout.scan.testWindow' });
  });
});
