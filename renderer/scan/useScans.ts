import { useEffect, useRef } from 'react';
import { type ScanEventPayload } from '../../shared/api/devices';
import { useApp } from '../stores/app';
import { useDevices } from '../stores/devices';
import { onLocalScan, reportScan } from './report';
import { useWedgeScanner } from './useWedgeScanner';

/**
 * A screen's scan input: this window's keyboard-wedge and camera scans plus the terminal's serial scans,
 * each once (the host de-duplicates across sources). Scans taken during a test-scan window are skipped
 * unless `includeTests`. What a scan means is up to `onScan`.
 */
export function useScans(onScan: (scan: ScanEventPayload) => void, opts: { includeTests?: boolean } = {}): void {
  const api = useApp((s) => s.api);
  const settings = useDevices((s) => s.settings);
  const onScanRef = useRef(onScan);
  useEffect(() => {
    onScanRef.current = onScan;
  }, [onScan]);
  const includeTests = opts.includeTests ?? false;

  useWedgeScanner(settings, api !== null, (code, at) => void reportScan('wedge', 'wedge', code, at));

  useEffect(() => {
    const deliver = (scan: ScanEventPayload): void => {
      if (includeTests || !scan.test) onScanRef.current(scan);
    };
    const offLocal = onLocalScan(deliver);
    const offSerial = api?.on('scan', (scan) => {
      if (scan.source === 'serial') deliver(scan);
    });
    return () => {
      offLocal();
      offSerial?.();
    };
  }, [api, includeTests]);
}
