import { existsSync, realpathSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { SerialPort } from 'serialport';
import { noLog, realTimers, type DeviceLog, type OwnedPort, type Timers } from './port';

/**
 * Opens the configured serial devices by path and keeps them open:
 * - one handle per path, ever (ports are flock-ed; a second config entry for a path is refused);
 * - after an unplug (`close` with `err.disconnected`) or a failed open, retries with backoff 0.5 → 5 s;
 * - while a port is open, checks every second that its device path still exists: a hang-up whose `close`
 *   never comes (seen with ptys, and possible with USB adapters) still counts as an unplug;
 * - reports every state change (connecting / connected / reconnecting / error, with a reason);
 * - `stop()` cancels retries and closes every port (call it on quit and before re-configuring).
 * The drivers (SerialScanner, SerialPrinter) are attached in `onConnected` and detached on close.
 */

export type SerialDeviceConfig = { id: string; path: string; baudRate: number };

export type DeviceConnectionState =
  | { id: string; path: string; state: 'connecting' }
  | { id: string; path: string; state: 'connected' }
  | { id: string; path: string; state: 'reconnecting'; reason: string; retryInMs: number; attempt: number }
  | { id: string; path: string; state: 'error'; reason: string; retryInMs: number | null }
  | { id: string; path: string; state: 'stopped' };

export type OpenPort = (config: SerialDeviceConfig) => Promise<OwnedPort>;

export type PortSupervisorOptions = {
  devices: readonly SerialDeviceConfig[];
  onState: (state: DeviceConnectionState) => void;
  /** Attach a driver to a freshly opened port; the returned function detaches it when the port closes. */
  onConnected: (device: SerialDeviceConfig, port: OwnedPort) => (() => void) | void;
  openPort?: OpenPort;
  backoff?: { initialMs: number; maxMs: number };
  timers?: Timers;
  log?: DeviceLog;
  /** How often an open port's path is checked for presence (0 = never). Default PRESENCE_CHECK_MS. */
  presenceCheckMs?: number;
  /** Whether a device path exists (tests inject it). Only absolute POSIX paths are checked. */
  pathExists?: (path: string) => boolean;
};

export type PortSupervisor = {
  start(): void;
  stop(): Promise<void>;
  states(): DeviceConnectionState[];
};

export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 5_000 };
export const PRESENCE_CHECK_MS = 1_000;

/** Paths whose absence means the device is gone: absolute POSIX paths (not Windows `COM3` names). */
const checksPresence = (path: string): boolean => path.startsWith('/');

/** Opens a real port; resolves once open. */
export const openSerialPort: OpenPort = (config) =>
  new Promise((resolve, reject) => {
    const port = new SerialPort({ path: config.path, baudRate: config.baudRate, autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(port)));
  });

/**
 * Lists serial ports for discovery. `SerialPort.list()` shells out to udevadm, which may be missing, and
 * never lists ptys: a failure means "no discovery", not an error. Configured paths are opened directly.
 */
export async function discoverSerialPorts(list: () => Promise<Array<{ path: string }>> = () => SerialPort.list()): Promise<Array<{ path: string }> | null> {
  try {
    return await list();
  } catch {
    return null;
  }
}

/** Whether an error means "the device is not there (yet)" rather than a configuration problem. */
function isAbsence(err: unknown): boolean {
  const e = err as { disconnected?: boolean; code?: string; message?: string } | null;
  if (e?.disconnected === true) return true;
  const text = `${e?.code ?? ''} ${e?.message ?? ''}`;
  return /ENOENT|ENXIO|ENODEV|No such file|disconnected/i.test(text);
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A best-effort canonical path (symlinks resolved) so two names for one device are caught. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolvePath(path);
  }
}

type Slot = {
  config: SerialDeviceConfig;
  port: OwnedPort | null;
  detach: (() => void) | null;
  timer: unknown;
  /** The presence check's timer while the port is open. */
  watch: unknown;
  attempt: number;
  state: DeviceConnectionState;
  /** A refused config (duplicate path) is never opened. */
  refused: boolean;
};

export function createPortSupervisor(options: PortSupervisorOptions): PortSupervisor {
  const openPort = options.openPort ?? openSerialPort;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const timers = options.timers ?? realTimers;
  const log = options.log ?? noLog;
  const presenceCheckMs = options.presenceCheckMs ?? PRESENCE_CHECK_MS;
  const pathExists = options.pathExists ?? existsSync;
  const slots: Slot[] = [];
  let running = false;

  const setState = (slot: Slot, state: DeviceConnectionState): void => {
    slot.state = state;
    options.onState(state);
  };

  const seenPaths = new Map<string, string>();
  for (const config of options.devices) {
    const key = resolvePath(config.path);
    const owner = seenPaths.get(key);
    const slot: Slot = { config, port: null, detach: null, timer: null, watch: null, attempt: 0, refused: owner !== undefined, state: { id: config.id, path: config.path, state: 'stopped' } };
    if (owner !== undefined) slot.state = { id: config.id, path: config.path, state: 'error', reason: `path ${config.path} is already used by device ${owner}`, retryInMs: null };
    else seenPaths.set(key, config.id);
    slots.push(slot);
  }

  const delayFor = (attempt: number): number => Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 20));

  const scheduleRetry = (slot: Slot, reason: string, absent: boolean): void => {
    if (!running) return;
    const retryInMs = delayFor(slot.attempt);
    slot.attempt++;
    const { id, path } = slot.config;
    setState(slot, absent ? { id, path, state: 'reconnecting', reason, retryInMs, attempt: slot.attempt } : { id, path, state: 'error', reason, retryInMs });
    slot.timer = timers.setTimeout(() => {
      slot.timer = null;
      void connect(slot);
    }, retryInMs);
  };

  /** True when another open slot holds the same device under a different name. */
  const heldElsewhere = (slot: Slot): string | null => {
    const mine = canonical(slot.config.path);
    for (const other of slots) if (other !== slot && other.port && canonical(other.config.path) === mine) return other.config.id;
    return null;
  };

  /** The port is gone (its `close`, or its path vanished): detach, then retry. Runs once per port. */
  const closed = (slot: Slot, port: OwnedPort, reason: string, absent: boolean): void => {
    if (slot.port !== port) return;
    if (slot.watch !== null) timers.clearTimeout(slot.watch);
    slot.watch = null;
    slot.detach?.();
    slot.detach = null;
    slot.port = null;
    if (!running) return;
    log('warn', 'serial port closed', { deviceId: slot.config.id, reason });
    scheduleRetry(slot, reason, absent);
  };

  const watchPresence = (slot: Slot, port: OwnedPort): void => {
    const { path } = slot.config;
    if (presenceCheckMs <= 0 || !checksPresence(path)) return;
    slot.watch = timers.setTimeout(() => {
      slot.watch = null;
      if (slot.port !== port || !running) return;
      if (pathExists(path)) return watchPresence(slot, port);
      // The hang-up's `close` never came: close our handle (its own `close` is then ignored) and retry.
      closed(slot, port, `device ${path} disappeared`, true);
      if (port.isOpen) port.close(() => undefined);
    }, presenceCheckMs);
  };

  const connect = async (slot: Slot): Promise<void> => {
    if (!running || slot.port) return;
    const { id, path } = slot.config;
    const holder = heldElsewhere(slot);
    if (holder) return scheduleRetry(slot, `device ${path} is already open as ${holder}`, false);
    if (slot.state.state !== 'reconnecting') setState(slot, { id, path, state: 'connecting' });
    let port: OwnedPort;
    try {
      port = await openPort(slot.config);
    } catch (err) {
      log('warn', 'serial open failed', { deviceId: id, path, error: messageOf(err) });
      return scheduleRetry(slot, messageOf(err), isAbsence(err));
    }
    if (!running) {
      port.close();
      return;
    }
    slot.port = port;
    slot.attempt = 0;
    port.on('error', (err: Error) => log('warn', 'serial port error', { deviceId: id, error: err.message }));
    port.on('close', (err?: Error | null) => closed(slot, port, err ? messageOf(err) : 'port closed', err ? isAbsence(err) : true));
    watchPresence(slot, port);
    try {
      slot.detach = options.onConnected(slot.config, port) ?? null;
    } catch (err) {
      log('error', 'device driver failed to attach', { deviceId: id, error: messageOf(err) });
    }
    setState(slot, { id, path, state: 'connected' });
  };

  return {
    start() {
      if (running) return;
      running = true;
      for (const slot of slots) {
        if (slot.refused) options.onState(slot.state);
        else void connect(slot);
      }
    },

    async stop() {
      running = false;
      const closing: Array<Promise<void>> = [];
      for (const slot of slots) {
        if (slot.timer !== null) timers.clearTimeout(slot.timer);
        slot.timer = null;
        if (slot.watch !== null) timers.clearTimeout(slot.watch);
        slot.watch = null;
        slot.detach?.();
        slot.detach = null;
        const port = slot.port;
        slot.port = null;
        if (port?.isOpen) closing.push(new Promise((resolve) => port.close(() => resolve())));
        if (!slot.refused) setState(slot, { id: slot.config.id, path: slot.config.path, state: 'stopped' });
      }
      await Promise.all(closing);
    },

    states() {
      return slots.map((s) => s.state);
    },
  };
}
