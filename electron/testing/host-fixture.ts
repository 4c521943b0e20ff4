import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Clock, createManualClock } from '../clock';
import { type ClientHandle, type Host, createHost, type HostConfig } from '../host';
import { silentLogger } from '../log';
import { type MethodInput, type MethodName, type MethodOutput } from '../../shared/api/contract';
import { type Result } from '../../shared/api/result';

export const TEST_MANAGER_PIN = '246810';

export type TestHost = {
  host: Host;
  dataDir: string;
  clock: ReturnType<typeof createManualClock>;
  client: ClientHandle;
  call<M extends MethodName>(method: M, input?: MethodInput<M>, client?: ClientHandle): Promise<Result<MethodOutput<M>>>;
  /** Call and unwrap, failing the test with the error when not ok. */
  must<M extends MethodName>(method: M, input?: MethodInput<M>, client?: ClientHandle): Promise<MethodOutput<M>>;
  loginManager(client?: ClientHandle): Promise<void>;
  /** Closes and reopens on the same dir; `between` runs while no host is open (to play a crash, say). */
  restart(between?: () => void): Promise<void>;
  dispose(): Promise<void>;
};

/** A host on a fresh temp data dir with a manual clock; `restart` reopens the same dir. */
export async function startTestHost(overrides: Partial<HostConfig> & { clock?: Clock } = {}): Promise<TestHost> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-host-'));
  const clock = createManualClock();
  const make = (): Host => createHost({ dataDir, clock, logger: silentLogger, initialManagerPin: TEST_MANAGER_PIN, ...overrides });
  let host = make();
  const t: TestHost = {
    get host() {
      return host;
    },
    dataDir,
    clock,
    client: host.connect(),
    call: (method, input, client) => host.call(method, input, client ?? t.client) as never,
    async must(method, input, client) {
      const r = await t.call(method, input, client);
      if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
      return r.value;
    },
    async loginManager(client) {
      await t.must('session.login', { userId: 'manager', pin: TEST_MANAGER_PIN }, client);
    },
    async restart(between) {
      await host.close();
      between?.();
      host = make();
      t.client = host.connect();
    },
    async dispose() {
      await host.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}
