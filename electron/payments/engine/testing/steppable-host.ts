import { createSteppableClock } from '../../../clock';
import { createFakeChannel } from './fake-channel';
import { type PaymentsTestHost, startPaymentsHost } from './harness';

/**
 * TEST HELPER: a payments host on a steppable clock (timers and `monotonic` on elapsed time, `step` moves
 * the wall clock only, as NTP does) with a scripted WeChat fake. `run(ms)` is real time passing, a second
 * at a time, with the host's work flushed after each.
 */
export async function startSteppableHost() {
  const wx = createFakeChannel('wechat');
  const clock = createSteppableClock();
  const h: PaymentsTestHost = await startPaymentsHost({ clock, payments: { fakes: { wechat: wx } } });
  const run = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 1_000) {
      clock.advance(Math.min(1_000, left));
      await h.flush();
    }
  };
  return { h, wx, clock, run };
}
