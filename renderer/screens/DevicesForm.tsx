import { useEffect, useState, type ReactNode } from 'react';
import { BAUD_RATES, type DevicesSettings } from '../../shared/devices/settings';
import { type PortsView } from '../../shared/api/devices';
import { useApp } from '../stores/app';
import { saveDevicesSettings, useDevices } from '../stores/devices';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { listCameras, type CameraInfo } from '../scan/camera';

type Field = keyof DevicesSettings;

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="form-row">
      <span>{label}</span>
      {children}
    </label>
  );
}

/** Device settings: ports, baud, suffix, printer profile, paper, wedge thresholds, camera. */
export function DevicesForm() {
  const api = useApp((s) => s.api);
  const saved = useDevices((s) => s.settings);
  const [form, setForm] = useState<DevicesSettings>(saved);
  const [ports, setPorts] = useState<PortsView | null>(null);
  const [cameras, setCameras] = useState<CameraInfo[] | null>(null);
  const [done, setDone] = useState(false);
  const t = useT();

  // Saved settings changed (here or in another window): start over from them.
  const [base, setBase] = useState(saved);
  if (base !== saved) {
    setBase(saved);
    setForm(saved);
  }
  useEffect(() => {
    void api?.call('devices.ports').then((r) => r.ok && setPorts(r.value));
  }, [api]);

  const set = <K extends Field>(key: K, value: DevicesSettings[K]): void => {
    setDone(false);
    setForm((f) => ({ ...f, [key]: value }));
  };
  const text = (key: 'scannerPath' | 'printerPath', testId: string) => (
    <input data-testid={testId} list="device-ports" value={form[key]} placeholder="/dev/ttyUSB0" onChange={(e) => set(key, e.target.value)} />
  );
  const num = (key: 'wedgeMaxIntervalMs' | 'wedgeEndGapMs' | 'wedgeMinLength' | 'dedupeWindowMs') => (
    <input data-testid={`devices-${key}`} type="number" value={form[key]} onChange={(e) => set(key, Number(e.target.value))} />
  );
  const bool = (key: 'stripAim' | 'printerTwoByteMode' | 'autoPrint' | 'wedgeEnabled') => (
    <input data-testid={`devices-${key}`} type="checkbox" checked={form[key]} onChange={(e) => set(key, e.target.checked)} />
  );
  function choice<K extends Field>(key: K, options: readonly DevicesSettings[K][], label?: (v: DevicesSettings[K]) => string) {
    return (
      <select data-testid={`devices-${key}`} value={String(form[key])} onChange={(e) => set(key, options.find((o) => String(o) === e.target.value) ?? form[key])}>
        {options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {label ? label(o) : String(o)}
          </option>
        ))}
      </select>
    );
  }

  const save = async (): Promise<void> => {
    const changed = Object.fromEntries(Object.entries(form).filter(([k, v]) => saved[k as Field] !== v)) as Partial<DevicesSettings>;
    if (Object.keys(changed).length === 0 || (await saveDevicesSettings(changed))) setDone(true);
  };

  return (
    <form
      className="devices-form"
      data-testid="devices-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <datalist id="device-ports">
        {ports?.ports.map((p) => (
          <option key={p.path} value={p.path}>
            {[p.manufacturer, p.vendorId && `${p.vendorId}:${p.productId ?? ''}`].filter(Boolean).join(' ')}
          </option>
        ))}
      </datalist>
      <p className="hint" data-testid="devices-discovery">
        {ports === null ? '' : ports.discovery === 'available' ? `${t('devices.ports.found')} ${ports.ports.length}` : t('devices.ports.unavailable')}
      </p>
      <fieldset>
        <legend>{t('devices.scanner')}</legend>
        <Row label={t('devices.path')}>{text('scannerPath', 'devices-scannerPath')}</Row>
        <Row label={t('devices.baud')}>{choice('scannerBaud', BAUD_RATES)}</Row>
        <Row label={t('devices.suffix')}>{choice('scannerSuffix', ['cr', 'lf', 'crlf', 'none'] as const, (v) => t(`devices.suffix.${v}` as MessageKey))}</Row>
        <Row label={t('devices.stripAim')}>{bool('stripAim')}</Row>
      </fieldset>
      <fieldset>
        <legend>{t('devices.printer')}</legend>
        <Row label={t('devices.path')}>{text('printerPath', 'devices-printerPath')}</Row>
        <Row label={t('devices.baud')}>{choice('printerBaud', BAUD_RATES)}</Row>
        <Row label={t('devices.paperWidth')}>{choice('paperWidth', [58, 80] as const, (v) => `${v} mm`)}</Row>
        <Row label={t('devices.codepage')}>{choice('printerCodepage', ['gb18030', 'pc437'] as const)}</Row>
        <Row label={t('devices.twoByte')}>{bool('printerTwoByteMode')}</Row>
        <Row label={t('devices.cut')}>{choice('printerCut', ['partial', 'full', 'none'] as const)}</Row>
        <Row label={t('devices.qr')}>{choice('printerQr', ['native', 'raster'] as const)}</Row>
        <Row label={t('devices.drawerPin')}>{choice('drawerPin', [0, 1] as const, (v) => (v === 0 ? 'pin 2' : 'pin 5'))}</Row>
        <Row label={t('devices.autoPrint')}>{bool('autoPrint')}</Row>
      </fieldset>
      <fieldset>
        <legend>{t('devices.wedgeCamera')}</legend>
        <Row label={t('devices.wedgeEnabled')}>{bool('wedgeEnabled')}</Row>
        <Row label={t('devices.wedgeMaxInterval')}>{num('wedgeMaxIntervalMs')}</Row>
        <Row label={t('devices.wedgeEndGap')}>{num('wedgeEndGapMs')}</Row>
        <Row label={t('devices.wedgeMinLength')}>{num('wedgeMinLength')}</Row>
        <Row label={t('devices.dedupe')}>{num('dedupeWindowMs')}</Row>
        <Row label={t('devices.camera')}>
          <select data-testid="devices-cameraDeviceId" value={form.cameraDeviceId} onChange={(e) => set('cameraDeviceId', e.target.value)}>
            <option value="">{t('devices.camera.default')}</option>
            {form.cameraDeviceId !== '' && !cameras?.some((c) => c.deviceId === form.cameraDeviceId) && <option value={form.cameraDeviceId}>{form.cameraDeviceId.slice(0, 12)}…</option>}
            {cameras?.map((c) => (
              <option key={c.deviceId} value={c.deviceId}>
                {c.label}
              </option>
            ))}
          </select>
          <button type="button" data-testid="devices-list-cameras" onClick={() => void listCameras().then(setCameras, () => setCameras([]))}>
            {t('devices.camera.list')}
          </button>
        </Row>
      </fieldset>
      <button type="submit" className="primary" data-testid="devices-save">
        {t('devices.save')}
      </button>
      {done && <span data-testid="devices-saved">{t('devices.saved')}</span>}
    </form>
  );
}
