import { useEffect, useRef, useState } from 'react';
import { createScanDeduper } from '../../shared/scan/dedupe';
import { useT } from '../i18n/useT';
import { useDevices } from '../stores/devices';
import { reportScan } from './report';
import { startCameraScan, type CameraControls } from './camera';

/**
 * A live camera preview that decodes QR and Code 128 and reports each code to the scan pipeline. The
 * camera starts when this mounts and is released when it unmounts (leaving the screen, closing the panel).
 */
export function CameraScanner({ onError }: { onError?: (message: string) => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const deviceId = useDevices((s) => s.settings.cameraDeviceId);
  const windowMs = useDevices((s) => s.settings.dedupeWindowMs);
  const [status, setStatus] = useState<'starting' | 'running' | 'error'>('starting');
  const [message, setMessage] = useState('');
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  }, [onError]);
  const t = useT();

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let controls: CameraControls | null = null;
    let cancelled = false;
    // The camera sees a held-up code ~10 times a second: only new codes go to the host.
    const dedupe = createScanDeduper({ windowMs: Math.max(windowMs, 1500) });
    startCameraScan(video, deviceId, (text, symbology) => {
      const event = { source: 'camera' as const, deviceId: deviceId || 'camera', code: text, at: Date.now(), symbology };
      if (text.trim() === '' || !dedupe.accept(event)) return;
      void reportScan('camera', event.deviceId, text.trim(), event.at, symbology);
    })
      .then((c) => {
        if (cancelled) c.stop();
        else {
          controls = c;
          setStatus('running');
        }
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        setStatus('error');
        setMessage(text);
        onErrorRef.current?.(text);
      });
    return () => {
      cancelled = true;
      controls?.stop();
    };
  }, [deviceId, windowMs]);

  return (
    <div className="camera" data-testid="camera" data-status={status}>
      <video ref={videoRef} className="camera-video" muted playsInline data-testid="camera-video" />
      {status === 'starting' && <p className="hint">{t('devices.camera.starting')}</p>}
      {status === 'error' && (
        <p className="error" role="alert" data-testid="camera-error">
          {t('devices.camera.error')} {message}
        </p>
      )}
    </div>
  );
}
