import fs from 'node:fs';
import path from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import { openDatabase } from './db/open';
import { type Clock, isoAt, systemClock } from './clock';
import { type Logger, createLogger } from './log';
import { createEventBus } from './events';
import { PUBLIC_EVENTS } from '../shared/api/events';
import { type CallContext, type HandlerMap, type HostContext } from './api/context';
import { createDispatcher } from './api/dispatch';
import { hostHandlers } from './api/handlers/host';
import { sessionHandlers } from './api/handlers/session';
import { saleHandlers } from './api/handlers/sales';
import { paymentHandlers } from './api/handlers/payments';
import { gatewayHandlers } from './api/handlers/gateways';
import { deviceHandlers } from './api/handlers/devices';
import { syncHandlers } from './api/handlers/sync';
import { shiftHandlers } from './api/handlers/shifts';
import { createOutboxSink } from './sync/outbox';
import { type SyncWorker, type SyncWorkerOptions, createSyncWorker } from './sync/worker';
import { type DevicesOptions, createDevicesService } from './devices/service/service';
import { createPayments } from './payments/engine/compose';
import { type GatewayOptions, createGateways } from './payments/engine/gateways';
import { loadSettings } from './services/settings-store';
import { countUsers, createUser } from './services/users';
import { appendAudit } from './services/audit';
import { DEFAULT_PROBE_INTERVAL_MS, createConnectivity } from './services/connectivity';
import { createRecordBus } from './services/records';
import { type AnyEvent, type MethodName } from '../shared/api/contract';
import { type Result } from '../shared/api/result';
import { type Session } from '../shared/api/session';
import { type Settings } from '../shared/settings';
import { APP_VERSION } from './version';

export type HostConfig = {
  /** Folder for the database and files; created when missing. */
  dataDir: string;
  transport?: 'electron' | 'browser';
  clock?: Clock;
  logger?: Logger;
  /** First run only: the manager PIN. Without it a random PIN is generated and passed to onFirstRun once. */
  initialManagerPin?: string;
  onFirstRun?: (info: { managerId: string; managerName: string; managerPin: string; generated: boolean }) => void;
  /** Payment gateways: explicit config, adapter deps, test wrappers, in-process sandbox options. */
  payments?: GatewayOptions;
  /** Device timings and test doubles (status timeout, poll, backoff, port opener, port lister). */
  devices?: DevicesOptions;
  /** HQ sync: jitter source, backoff bounds and fetch for tests (the clock is `clock` above). */
  sync?: SyncWorkerOptions;
};

/** A connected client (a window, a browser tab). Its session lives as long as the connection. */
export type ClientHandle = { readonly id: string; session: Session | null };

export type Host = {
  readonly ctx: HostContext;
  call(method: unknown, params: unknown, client: ClientHandle): Promise<Result<unknown>>;
  connect(): ClientHandle;
  disconnect(client: ClientHandle): void;
  subscribe(listener: (event: AnyEvent) => void): () => void;
  /** Whether a transport may pass `event` to `client`: public events always, the rest only once signed in. */
  mayReceive(client: ClientHandle, event: AnyEvent): boolean;
  close(): Promise<void>;
};

export const MANAGER_ID = 'manager';
const DB_FILE = 'pos.db';

/** Creates the manager account on an empty database so a new till can be logged into at once. */
function firstRunSetup(ctx: HostContext, config: HostConfig): void {
  if (countUsers(ctx.db) > 0) return;
  const generated = config.initialManagerPin === undefined;
  const pin = config.initialManagerPin ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
  const name = '店长 Manager';
  createUser(ctx.db, ctx.clock, null, { id: MANAGER_ID, name, role: 'manager', pin });
  appendAudit(ctx.db, isoAt(ctx.clock), null, 'setup.firstRun', { managerId: MANAGER_ID, pinGenerated: generated });
  config.onFirstRun?.({ managerId: MANAGER_ID, managerName: name, managerPin: pin, generated });
}

/**
 * Composes the POS host: database, settings, users and sessions, events, and every domain service.
 * No Electron import: the same host runs inside Electron's main process or headless in browser mode.
 */
export function createHost(config: HostConfig): Host {
  const clock = config.clock ?? systemClock;
  const log = config.logger ?? createLogger();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const dbPath = path.join(config.dataDir, DB_FILE);
  const { db, schemaVersion } = openDatabase(dbPath);
  const events = createEventBus(log);
  let settings: Settings = loadSettings(db);
  // Until channels and HQ report real outcomes, the sandbox (in-process) is always reachable. With an HQ
  // URL set, HQ's health endpoint is the light probe.
  const syncRef: { worker?: SyncWorker } = {};
  // The drawer hangs on the printer, which the devices service (made after the payments) drives.
  const drawer: { open?: (why: string) => void } = {};
  // The probe runs at least as often as the sync interval (but not more than once a second), so a terminal
  // whose HQ is back drains within one interval.
  const probeIntervalMs = (): number => Math.max(1000, Math.min(DEFAULT_PROBE_INTERVAL_MS, settings.sync.intervalMs));
  const connectivity = createConnectivity({ clock, events, log, initial: 'online', probe: async () => syncRef.worker?.probe(), probeIntervalMs });

  const ctx: HostContext = {
    db,
    clock,
    log,
    events,
    records: createRecordBus(),
    connectivity,
    dataDir: path.resolve(config.dataDir),
    dbPath: path.resolve(dbPath),
    schemaVersion,
    transport: config.transport ?? 'browser',
    startedAt: isoAt(clock),
    version: APP_VERSION,
    settings: () => settings,
    replaceSettings: (next) => {
      settings = next;
    },
    cashMoved: (why) => drawer.open?.(why),
  };

  firstRunSetup(ctx, config);

  // Sync: every committed record lands in the outbox inside its own transaction; the worker uploads it.
  const worker = createSyncWorker(ctx, config.sync ?? {});
  syncRef.worker = worker;
  ctx.records.addSink(createOutboxSink({ settings: () => ctx.settings(), now: () => isoAt(clock), onEnqueued: () => worker.notifyEnqueued() }));

  // Payments: gateways are built on first use (sandbox mode starts the in-process sandbox); every
  // unfinished attempt and refund is driven to a final state now and whenever the network returns.
  const gateways = createGateways(ctx, config.payments ?? {});
  const payments = createPayments(ctx, gateways.get, gateways.stamp, gateways.routesStamp);
  // Devices: serial scanner and printer from settings, the scan pipeline, print jobs (receipts of paid sales).
  const devices = createDevicesService(ctx, { getSale: (saleId) => payments.sales.get(saleId) }, config.devices);
  drawer.open = (why) => devices.openDrawer(why);

  const handlers: HandlerMap<MethodName> = {
    ...hostHandlers(ctx, { connectivity: () => connectivity.state(), devices: () => devices.hostInfoDevices(), uncertainSales: () => payments.engine.uncertainCount() }),
    ...sessionHandlers(ctx),
    ...saleHandlers(ctx, payments),
    ...paymentHandlers(payments),
    ...gatewayHandlers(ctx, gateways, () => payments.engine.uncertainCount()),
    ...deviceHandlers(devices),
    ...syncHandlers(ctx, worker),
    ...shiftHandlers(ctx),
  };
  const dispatch = createDispatcher(handlers, log);
  connectivity.start();
  payments.recover();
  const stopRecoveryOnOnline = connectivity.onOnline(() => payments.recover());
  devices.start();
  worker.start();
  const stopSyncOnOnline = connectivity.onOnline(() => void worker.runNow());

  const clients = new Map<string, ClientHandle>();
  let closed = false;
  const isActive = ctx.db.prepare('SELECT active FROM users WHERE id = ?').pluck();
  /** What a client opened for its signed-in user ends with that session (a scanner test window). */
  function sessionEnded(client: ClientHandle): void {
    devices.scans.closeTestWindowOf(client.id);
  }
  function endInactiveSessions(): void {
    for (const client of clients.values()) {
      if (client.session && isActive.get(client.session.user.id) !== 1) {
        client.session = null;
        sessionEnded(client);
      }
    }
  }

  return {
    ctx,
    call(method, params, client) {
      if (closed) return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'host is shutting down' } });
      const call: CallContext = {
        clientId: client.id,
        session: client.session,
        setSession: (s) => {
          const before = client.session;
          client.session = s;
          if (before && before.user.id !== s?.user.id) sessionEnded(client);
        },
      };
      const result = dispatch(method, params, call);
      // A deactivated user's open sessions end with it: none may still approve refunds or voids.
      if (method === 'users.setActive') void result.then((r) => r.ok && endInactiveSessions());
      return result;
    },
    connect() {
      const client: ClientHandle = { id: randomUUID(), session: null };
      clients.set(client.id, client);
      return client;
    },
    disconnect(client) {
      clients.delete(client.id);
      sessionEnded(client);
    },
    subscribe: (listener) => events.subscribe(listener),
    mayReceive: (client, event) => client.session !== null || PUBLIC_EVENTS.has(event.event),
    async close() {
      if (closed) return;
      closed = true;
      connectivity.stop();
      stopRecoveryOnOnline();
      stopSyncOnOnline();
      // Payments stop first and synchronously: no answer lands while the host is closing.
      payments.stop();
      await worker.stop();
      await devices.stop();
      await gateways.close();
      db.close();
    },
  };
}
