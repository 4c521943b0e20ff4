import { useEffect, useRef } from 'react';
import { type DevicesSettings } from '../../shared/devices/settings';
import { WedgeDetector, type WedgeAction } from './wedge';
import { insertIntoFocused } from './wedge-dom';

export type WedgeThresholds = Pick<DevicesSettings, 'wedgeEnabled' | 'wedgeMaxIntervalMs' | 'wedgeEndGapMs' | 'wedgeMinLength'>;

/**
 * Keyboard-wedge scanner on window keydown (capture phase, so it sees keys before any field does).
 * Printable keys arriving in a burst are held back; a fast burst of at least `wedgeMinLength` characters
 * (and its Enter) becomes `onScan` and never reaches the focused field; anything slower is human typing and
 * is put into the field. Mounted only by screens that take scans (checkout, the Devices test view).
 */
export function useWedgeScanner(thresholds: WedgeThresholds, active: boolean, onScan: (code: string, at: number) => void): void {
  const onScanRef = useRef(onScan);
  useEffect(() => {
    onScanRef.current = onScan;
  }, [onScan]);
  const { wedgeEnabled, wedgeMaxIntervalMs, wedgeEndGapMs, wedgeMinLength } = thresholds;

  useEffect(() => {
    if (!active || !wedgeEnabled) return;
    const detector = new WedgeDetector({ maxIntervalMs: wedgeMaxIntervalMs, endGapMs: Math.max(wedgeEndGapMs, wedgeMaxIntervalMs), minLength: wedgeMinLength });
    let timer: ReturnType<typeof setTimeout> | null = null;

    const apply = (actions: WedgeAction[]): void => {
      for (const a of actions) {
        if (a.type === 'type') insertIntoFocused(a.text);
        else if (a.type === 'scan') onScanRef.current(a.code, Math.max(0, Math.round(performance.timeOrigin + a.at)));
      }
    };
    const schedule = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const deadline = detector.deadline();
      if (deadline === null) return;
      timer = setTimeout(
        () => {
          timer = null;
          apply(detector.tick(performance.now()));
          schedule();
        },
        Math.max(0, deadline - performance.now()),
      );
    };
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.isComposing || e.key === 'Process') return; // Chinese IME input is never a scan
      const actions = detector.key({ key: e.key, at: e.timeStamp, ctrlKey: e.ctrlKey, altKey: e.altKey, metaKey: e.metaKey });
      const fate = actions.at(-1);
      apply(actions.slice(0, -1));
      if (fate?.type === 'hold' || fate?.type === 'swallow') {
        e.preventDefault();
        e.stopPropagation();
      }
      schedule();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      if (timer !== null) clearTimeout(timer);
      apply(detector.flush());
    };
  }, [active, wedgeEnabled, wedgeMaxIntervalMs, wedgeEndGapMs, wedgeMinLength]);
}
