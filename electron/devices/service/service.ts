import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { isoAt } from '../../clock';
import { type HostContext } from '../../api/context';
import { type DeviceId, type DeviceStateView, type PortsView, type ScanEventPayload } from '../../../shared/api/devices';
import { type HostInfo } from '../../../shared/api/host';
import { type SaleView } from '../../../shared/sales/views';
import { type Settings } from '../../../shared/settings';
import { type ScanEvent } from '../../../shared/scan/types';
import { realTimers, type DeviceLog, type OwnedPort, type Timers } from '../serial/port';
import { SerialPrinter } from '../serial/printer';
import { SerialScanner } from '../serial/scanner';
import { createPortSupervisor, type DeviceConnectionState, type OpenPort, type PortSupervisor, type SerialDeviceConfig } from '../serial/supervisor';
import { createTransportOpener } from '../transport/open-printer-port';
import { appendAudit } from '../../services/audit';
import { countQueued } from './jobs-repo';
import { createPrintQueue } from './print-queue';
import { createPrinting } from './printing';
import { previewLines, renderDrawerPulse, renderReceipt } from './receipts';
import { createScanPipeline } from './scan-pipeline';
import { problemOf, serialSink, virtualSink, type PrintSink } from './sinks';

/**
 * The host's devices service: opens the configured serial scanner and printer through the port supervisor
 * (re-applied when the devices settings change, old handles closed first), reports their states
 * (`device.state`, `devices.status`, host.info), feeds serial scans into the scan pipeline, and runs the
 * print queue on the serial printer or, with none configured, on the virtual printer.
 */

export type PortInfo = { path: string; manufacturer?: string; vendorId?: string; productId?: string; serialNumber?: string };

export type DevicesOptions = {
  /** DLE EOT reply timeout (ms). */
  statusTimeoutMs?: number;
  /** How long a job may take to leave the serial buffer (ms). */
  writeTimeoutMs?: number;
  /** Retry interval while jobs wait for the printer (ms). */
  pollMs?: number;
  /** Printer status poll while idle, so "out of paper" shows before the next sale (ms). */
  idlePollMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Network printers: give up connecting after this long (ms). */
  connectTimeoutMs?: number;
  /** Replaces every transport (serial, tcp://, device files); tests. */
  openPort?: OpenPort;
  listPorts?: () => Promise<PortInfo[]>;
  timers?: Timers;
};

export type DevicesDeps = { getSale(saleId: string): SaleView };

type SerialConfig = {
  scanner: { path: string; baudRate: number; suffix: Settings['devices']['scannerSuffix']; stripAim: boolean } | null;
  printer: { path: string; baudRate: number } | null;
};

const serialConfig = (s: Settings): SerialConfig => ({
  scanner: s.devices.scannerPath ? { path: s.devices.scannerPath, baudRate: s.devices.scannerBaud, suffix: s.devices.scannerSuffix, stripAim: s.devices.stripAim } : null,
  printer: s.devices.printerPath ? { path: s.devices.printerPath, baudRate: s.devices.printerBaud } : null,
});

const clip = (s: string | null, n = 300): string | null => (s === null ? null : s.slice(0, n));

export function createDevicesService(ctx: HostContext, deps: DevicesDeps, options: DevicesOptions = {}) {
  const log = ctx.log.child({ component: 'devices' });
  const deviceLog: DeviceLog = (level, message, fields) => log[level](message, fields);
  const timers = options.timers ?? realTimers;
  const receiptsDir = join(ctx.dataDir, 'receipts');
  const iso = (): string => isoAt(ctx.clock);
  const states = new Map<DeviceId, DeviceStateView>();
  let printer: { driver: SerialPrinter; path: string } | null = null;
  let supervisor: PortSupervisor | null = null;
  let appliedKey: string | null = null;
  let applying: Promise<void> = Promise.resolve();
  let idleTimer: unknown = null;
  let stopped = false;
  const virtual = virtualSink(receiptsDir);
  const openPort: OpenPort =
    options.openPort ?? createTransportOpener({ timers, log: deviceLog, ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}) });
  // Defensive: a database without print_jobs (never migrated this far) still scans; printing says why not.
  const jobsAvailable = ctx.db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'print_jobs'").get() !== undefined;
  const queuedJobs = (): number => (jobsAvailable ? countQueued(ctx.db) : 0);

  const setState = (id: DeviceId, patch: Partial<Omit<DeviceStateView, 'id' | 'since'>>): void => {
    const prev = states.get(id) ?? { id, path: null, state: 'stopped', reason: null, retryInMs: null, problem: null, since: iso() };
    const next: DeviceStateView = { ...prev, ...patch, id };
    if (JSON.stringify({ ...next, since: '' }) === JSON.stringify({ ...prev, since: '' }) && states.has(id)) return;
    if (next.state !== prev.state) next.since = iso();
    states.set(id, next);
    ctx.events.emit('device.state', next);
  };

  const onConnectionState = (s: DeviceConnectionState): void => {
    const id: DeviceId = s.id === 'scanner' ? 'scanner' : 'printer';
    const reason = s.state === 'reconnecting' || s.state === 'error' ? clip(s.reason) : null;
    const retryInMs = s.state === 'reconnecting' ? s.retryInMs : s.state === 'error' ? s.retryInMs : null;
    setState(id, { path: s.path, state: s.state, reason, retryInMs, ...(id === 'printer' && s.state !== 'connected' ? { problem: null } : {}) });
  };

  const emitScan = (payload: ScanEventPayload): void => ctx.events.emit('scan', payload);
  const scans = createScanPipeline({ now: () => ctx.clock.now(), iso, settings: () => ctx.settings(), emit: emitScan });

  const sink = (): PrintSink | null => {
    if (!ctx.settings().devices.printerPath) return virtual;
    return printer ? serialSink(printer.driver, printer.path) : null;
  };
  const setProblem = (problem: string | null): void => {
    if (ctx.settings().devices.printerPath) setState('printer', { problem: clip(problem) });
  };

  const printerUnavailable = (): string => {
    const st = states.get('printer');
    return `printer not connected${st?.reason ? `: ${st.reason}` : st ? ` (${st.state})` : ''}`.slice(0, 200);
  };

  const queue = createPrintQueue({
    db: ctx.db,
    log,
    now: iso,
    sink,
    unavailableReason: printerUnavailable,
    render: (receipt) => {
      const d = ctx.settings().devices;
      return { bytes: renderReceipt(receipt, d), previewText: previewLines(receipt, d.paperWidth).map((l) => l.text) };
    },
    renderDrawerPulse: () => renderDrawerPulse(ctx.settings().devices),
    onJob: (view) => ctx.events.emit('print.job', view),
    onProblem: setProblem,
    timers,
    pollMs: options.pollMs ?? 2_000,
  });

  const printing = createPrinting({ ctx, queue, receiptsDir, available: jobsAvailable, getSale: deps.getSale, onJob: (view) => ctx.events.emit('print.job', view) });

  const refreshPrinterStatus = async (): Promise<void> => {
    const current = printer;
    if (!current) return;
    // A write-only device file has no status: nothing to show (write errors still reach the cashier).
    setProblem(current.driver.readsStatus ? problemOf(await current.driver.status()) : null);
  };

  const scheduleIdlePoll = (): void => {
    if (stopped) return;
    idleTimer = timers.setTimeout(() => {
      idleTimer = null;
      const task = queuedJobs() > 0 ? queue.kick() : refreshPrinterStatus();
      void task.catch((e: unknown) => log.warn('printer poll failed', { error: e })).finally(scheduleIdlePoll);
    }, options.idlePollMs ?? 15_000);
  };

  const attach = (device: SerialDeviceConfig, port: OwnedPort, config: SerialConfig): (() => void) | void => {
    if (device.id === 'scanner' && config.scanner) {
      const scanner = new SerialScanner(port, {
        deviceId: 'scanner',
        framer: { suffix: config.scanner.suffix, stripAim: config.scanner.stripAim },
        onScan: (e: ScanEvent) => void scans.accept(e),
        onUnreadable: (reason, at) => void scans.unreadable({ source: 'serial', deviceId: 'scanner', at }, reason),
        log: deviceLog,
      });
      return () => scanner.detach();
    }
    if (device.id !== 'printer') return;
    const driver = new SerialPrinter(port, {
      deviceId: 'printer',
      statusTimeoutMs: options.statusTimeoutMs ?? 500,
      writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
      timers,
      log: deviceLog,
      onStatus: (status) => {
        const problem = problemOf(status);
        setProblem(problem);
        if (problem === null) void queue.kick();
      },
    });
    const entry = { driver, path: device.path };
    printer = entry;
    // A reconnected printer takes the waiting jobs at once; otherwise learn its paper state now.
    void (queuedJobs() > 0 ? queue.kick() : refreshPrinterStatus());
    return () => {
      driver.detach();
      if (printer === entry) printer = null;
    };
  };

  const apply = async (settings: Settings): Promise<void> => {
    const config = serialConfig(settings);
    const key = JSON.stringify(config);
    if (key === appliedKey || stopped) return;
    appliedKey = key;
    // Close the old handles before opening the new ones: ports are locked, one handle per path.
    if (supervisor) await supervisor.stop();
    supervisor = null;
    if (stopped) return;
    const devices: SerialDeviceConfig[] = [];
    if (config.scanner) devices.push({ id: 'scanner', path: config.scanner.path, baudRate: config.scanner.baudRate });
    else setState('scanner', { path: null, state: 'not-configured', reason: null, retryInMs: null, problem: null });
    if (config.printer) devices.push({ id: 'printer', path: config.printer.path, baudRate: config.printer.baudRate });
    else setState('printer', { path: null, state: 'virtual', reason: null, retryInMs: null, problem: null });
    if (devices.length > 0) {
      supervisor = createPortSupervisor({
        devices,
        onState: onConnectionState,
        onConnected: (device, port) => attach(device, port, config),
        openPort,
        ...(options.backoff ? { backoff: options.backoff } : {}),
        timers,
        log: deviceLog,
      });
      supervisor.start();
    }
    if (!config.printer && jobsAvailable) void queue.kick(); // the virtual printer takes whatever waits
  };

  const reapply = (settings: Settings): Promise<void> => {
    applying = applying.then(() => apply(settings)).catch((e: unknown) => log.error('applying device settings failed', { error: e }));
    return applying;
  };

  let unsubscribe: (() => void) | null = null;

  return {
    start(): void {
      if (jobsAvailable) queue.recover();
      else log.error('print_jobs table missing (migration 0003 not applied): printing is unavailable');
      const removeSink = ctx.records.addSink(printing.receiptSink);
      const unsubscribeEvents = ctx.events.subscribe((ev) => {
        if (ev.event === 'settings.changed') void reapply(ev.payload);
        else if (ev.event === 'sale.changed' && ev.payload.status === 'paid') printing.onSalePaid(ev.payload.saleId);
        // A refund prints once all of its money is back (the engine emits progress more than once).
        else if (ev.event === 'refund.progress' && ev.payload.purpose === 'refund' && ev.payload.state === 'succeeded') printing.onRefundCompleted(ev.payload.id);
      });
      unsubscribe = () => {
        removeSink();
        unsubscribeEvents();
      };
      void reapply(ctx.settings());
      if (jobsAvailable) void queue.kick();
      scheduleIdlePoll();
    },

    /** Cash moved: the drawer opens now, between print jobs (see PrintQueue.pulseDrawer). Never throws. */
    openDrawer(why: string): void {
      if (stopped || !jobsAvailable) return;
      queue.pulseDrawer(why).catch((e: unknown) => log.error('cannot open the cash drawer', { why, error: e }));
    },

    /** "No sale": the drawer opens with no money moving; who and why go to the audit log first. */
    openDrawerNoSale(reason: string, actor: string): { sent: boolean; message: string } {
      appendAudit(ctx.db, iso(), actor, 'drawer.open', { reason });
      const target = sink();
      if (stopped || !jobsAvailable) return { sent: false, message: 'the till is stopping: open the drawer with its key' };
      if (target === null) return { sent: false, message: `${printerUnavailable()}: open the drawer with its key` };
      if (target.target === 'virtual') return { sent: false, message: 'no receipt printer is set up, so no drawer is connected: open it with its key' };
      queue.pulseDrawer(`no sale: ${reason}`).catch((e: unknown) => log.error('cannot open the cash drawer', { error: e }));
      return { sent: true, message: 'drawer opening' };
    },

    async stop(): Promise<void> {
      stopped = true;
      unsubscribe?.();
      if (idleTimer !== null) timers.clearTimeout(idleTimer);
      await applying;
      const closing = supervisor?.stop();
      supervisor = null;
      await queue.stop(2_000);
      await closing;
    },

    /** Resolves once the current settings have been applied (ports being opened). */
    settled: (): Promise<void> => applying,

    states: (): DeviceStateView[] => (['scanner', 'printer'] as const).map((id) => states.get(id)).filter((s): s is DeviceStateView => s !== undefined),

    /** host.info's devices: the configured serial devices. */
    hostInfoDevices(): HostInfo['devices'] {
      return [...states.values()]
        .filter((s) => s.path !== null)
        .map((s) => ({ kind: s.id, name: s.path ?? '', state: s.problem ? `${s.state}: ${s.problem}` : s.reason ? `${s.state}: ${s.reason}` : s.state }));
    },

    async ports(): Promise<PortsView> {
      try {
        const list = await (options.listPorts ?? (() => SerialPort.list()))();
        return {
          discovery: 'available',
          reason: null,
          ports: list.slice(0, 256).map((p) => ({
            path: p.path.slice(0, 256),
            manufacturer: p.manufacturer?.slice(0, 128) ?? null,
            vendorId: p.vendorId?.slice(0, 16) ?? null,
            productId: p.productId?.slice(0, 16) ?? null,
            serialNumber: p.serialNumber?.slice(0, 128) ?? null,
          })),
        };
      } catch (e) {
        return { discovery: 'unavailable', reason: clip(`port discovery is not available here (${e instanceof Error ? e.message : String(e)}); type the device path`), ports: [] };
      }
    },

    scans,
    printing,
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;
