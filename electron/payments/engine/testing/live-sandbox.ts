import { afterAll, beforeAll } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/server';
import { lateClock } from './harness';

/**
 * A second sandbox playing the real gateways for a test file (started before its tests, closed after): its
 * ledger says what the "live" side was asked to charge. Its clock is the returned one: bind it to the test
 * host's (`bind(h.clock)`) once that exists.
 */
export function useLiveSandbox(started: (sandbox: Sandbox) => void): ReturnType<typeof lateClock> {
  const clock = lateClock();
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock });
    started(sandbox);
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  return clock;
}
