import { useCallback, useState } from 'react';
import { type ScanEventPayload } from '../../shared/api/devices';
import { startCodePayment, useCheckout } from '../stores/checkout';
import { useT } from '../i18n/useT';
import { checkoutScanAction } from './checkout-scan-action';
import { CameraScanner } from './CameraScanner';
import { useScans } from './useScans';

/**
 * Scans on the checkout screen: a payment code while an amount is due (and no payment is running) starts
 * the payment. Any other scan says on screen why nothing happened: a payment already running (never a
 * second one), nothing due yet, not a payment code (product lookup comes with the catalog), or a scanner
 * test running on the Devices screen.
 */
export function useCheckoutScans(): void {
  const t = useT();
  const onScan = useCallback(
    (scan: ScanEventPayload) => {
      const state = useCheckout.getState();
      const action = checkoutScanAction(scan, state);
      if (!action) return;
      if (action.pay) return void startCodePayment(scan.code);
      const why = action.code === 'CODE_UNSUPPORTED' ? ` (${scan.classification.detail ?? scan.classification.kind})` : '';
      state.setError({ code: action.code, message: `${t(action.key)}${why}`.slice(0, 300) });
    },
    [t],
  );
  // Test scans too: the checkout says why it ignores them instead of staying silent.
  useScans(onScan, { includeTests: true });
}

/** "Scan with camera": opens the camera below the button; closing it (or leaving checkout) stops it. */
export function CheckoutCameraButton() {
  const [open, setOpen] = useState(false);
  const t = useT();
  return (
    <div className="camera-toggle">
      <button type="button" data-testid="camera-toggle" onClick={() => setOpen((o) => !o)}>
        {open ? t('devices.camera.stop') : t('devices.camera.start')}
      </button>
      {open && <CameraScanner />}
    </div>
  );
}
