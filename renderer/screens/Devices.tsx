import { useCallback, useEffect, useState } from 'react';
import { type DeviceStateView } from '../../shared/api/devices';
import { refreshDevices, runTestPrint, testScanWindow, useDevices } from '../stores/devices';
import { useT } from '../i18n/useT';
import { type MessageKey } from '../i18n/messages';
import { ReceiptPreview } from '../components/ReceiptPreview';
import { CameraScanner } from '../scan/CameraScanner';
import { useScans } from '../scan/useScans';
import { DevicesForm } from './DevicesForm';

const TEST_WINDOW_SECONDS = 600;

function DeviceRow({ d }: { d: DeviceStateView }) {
  const t = useT();
  return (
    <li className={`device state-${d.state}`} data-testid={`device-${d.id}`} data-state={d.state}>
      <strong>{t(`devices.${d.id}` as MessageKey)}</strong> <span className="badge">{t(`devices.state.${d.state}` as MessageKey)}</span>
      {d.path && <code>{d.path}</code>}
      {d.reason && <small>{d.reason}</small>}
      {d.problem && (
        <small className="error" data-testid={`device-${d.id}-problem`}>
          {d.problem}
        </small>
      )}
    </li>
  );
}

/** Test scans: every source (serial, keyboard wedge, camera) with what each was classified as. */
function TestScans() {
  const scans = useDevices((s) => s.scans);
  const [camera, setCamera] = useState(false);
  const t = useT();
  // While this view is open, scans are tests: checkout screens elsewhere ignore them.
  useEffect(() => {
    void testScanWindow(TEST_WINDOW_SECONDS);
    return () => void testScanWindow(0);
  }, []);
  useScans(
    useCallback(() => undefined, []),
    { includeTests: true },
  );
  return (
    <section className="test-scans">
      <h2>{t('devices.testScan')}</h2>
      <p className="hint">{t('devices.testScan.hint')}</p>
      <button type="button" data-testid="camera-toggle" onClick={() => setCamera((c) => !c)}>
        {camera ? t('devices.camera.stop') : t('devices.camera.start')}
      </button>
      {camera && <CameraScanner />}
      <table className="scans">
        <tbody data-testid="scan-list">
          {scans.map((s) => (
            <tr key={s.seq} data-testid="scan-row" data-source={s.source} data-kind={s.classification.kind}>
              <td>{new Date(s.receivedAt).toLocaleTimeString()}</td>
              <td>{t(`scan.source.${s.source}` as MessageKey)}</td>
              <td>
                <code>{s.display}</code>
                {s.symbology && <small> {s.symbology}</small>}
              </td>
              <td>
                {s.classification.kind === 'payment'
                  ? `${t('scan.kind.payment')}: ${t(`wallet.${s.classification.channel ?? 'wechat'}` as MessageKey)}`
                  : t(`scan.kind.${s.classification.kind}` as MessageKey)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Manager screen: configure the scanner and printer, watch their states, test print and test scan. */
export function Devices() {
  const states = useDevices((s) => s.states);
  const testPrint = useDevices((s) => s.testPrint);
  const error = useDevices((s) => s.error);
  const paperWidth = useDevices((s) => s.settings.paperWidth);
  const [printing, setPrinting] = useState(false);
  const t = useT();

  useEffect(() => {
    void refreshDevices();
  }, []);

  return (
    <main className="devices" data-testid="devices-screen">
      <section>
        <h1>{t('devices.title')}</h1>
        <ul className="device-states">
          {states.map((d) => (
            <DeviceRow key={d.id} d={d} />
          ))}
        </ul>
        {error && (
          <p className="error" role="alert" data-testid="devices-error">
            {error.message}
          </p>
        )}
        <DevicesForm />
      </section>
      <section>
        <h2>{t('devices.testPrint')}</h2>
        <button
          type="button"
          data-testid="test-print"
          disabled={printing}
          onClick={() => {
            setPrinting(true);
            void runTestPrint().finally(() => setPrinting(false));
          }}
        >
          {t('devices.testPrint.run')}
        </button>
        {testPrint && (
          <div className="test-print-result">
            <p data-testid="test-print-state" data-state={testPrint.job.state}>
              {t(`print.state.${testPrint.job.state}` as MessageKey)}
              {testPrint.job.reason ? ` · ${testPrint.job.reason}` : ''}
              {testPrint.file ? ` · ${testPrint.file}` : ''}
            </p>
            <ReceiptPreview lines={testPrint.preview} paperWidth={paperWidth} />
          </div>
        )}
        <TestScans />
      </section>
    </main>
  );
}
