import { useCallback, useState } from 'react';
import { type ScanEventPayload } from '../../shared/api/devices';
import { startCodePayment, useCheckout } from '../stores/checkout';
import { useT } from '../i18n/useT';
import { CameraScanner } from './CameraScanner';
import { useScans } from './useScans';

const FINAL = new Set(['succeeded', 'failed', 'reversed']);

/**
 * Scans on the checkout screen: a payment code while an amount is due (and no payment is running) starts
 * the payment; other codes are ignored here for now (product lookup comes with the catalog).
 */
export function useCheckoutScans(): void {
  const onScan = useCallback((scan: ScanEventPayload) => {
    if (scan.classification.kind !== 'payment') return;
    const { sale, attempt, busy } = useCheckout.getState();
    const running = attempt !== null && !FINAL.has(attempt.state);
    if (!sale || sale.dueFen <= 0 || sale.status === 'paid' || running || busy) return;
    void startCodePayment(scan.code);
  }, []);
  useScans(onScan);
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
