import { type ScanEventPayload } from '../../shared/api/devices';
import { useApp } from '../stores/app';

/**
 * Keyboard-wedge and camera scans happen in this window: they go to the host's scan pipeline
 * (`scan.report`: de-duplicated against every source, classified) and, when accepted, to this window's
 * listeners. Serial scans arrive as `scan` events instead (see useScans).
 */
type Listener = (scan: ScanEventPayload) => void;
const listeners = new Set<Listener>();

export function onLocalScan(listener: Listener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export async function reportScan(source: 'wedge' | 'camera', deviceId: string, code: string, at: number, symbology?: string): Promise<ScanEventPayload | null> {
  const api = useApp.getState().api;
  if (!api) return null;
  const r = await api.call('scan.report', { source, deviceId: deviceId.slice(0, 64) || source, code: code.slice(0, 512), at: Math.max(0, Math.round(at)), ...(symbology ? { symbology } : {}) });
  if (!r.ok || !r.value.scan) return null;
  const scan = r.value.scan;
  for (const l of [...listeners]) l(scan);
  return scan;
}
