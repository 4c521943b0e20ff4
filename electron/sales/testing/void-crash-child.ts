/**
 * Child process of void-crash.test.ts: a sale partly paid by code (400 of 1000 fen) with a second code
 * payment unresolved; a manager voids it, and the process is killed (SIGKILL) at the first thing the void
 * does after its own commit (cancelling the unresolved payment). Prints the sale id first.
 */
import { createHost } from '../../host';
import { silentLogger } from '../../log';
import { createManualClock } from '../../clock';
import { createFakeChannel, paid } from '../../payments/engine/testing/fake-channel';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: void-crash-child <dataDir>');
const keepAlive = setInterval(() => undefined, 1_000);
const wx = createFakeChannel('wechat');
const host = createHost({ dataDir, clock: createManualClock(), logger: silentLogger, initialManagerPin: '246810', payments: { fakes: { wechat: wx } } });
const client = host.connect();
async function must<T>(method: string, params: unknown): Promise<T> {
  const r = await host.call(method, params, client);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};
await must('session.login', { userId: 'manager', pin: '246810' });
const sale = await must<{ id: string }>('sale.open', {});
await must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 1000 });
wx.queue('pay', paid(400));
await must('payment.start', { saleId: sale.id, code: '134567890123456781', amountFen: 400 });
await flush();
wx.queue('pay', { status: 'unknown', reason: 'timeout', retryable: true });
await must('payment.start', { saleId: sale.id, code: '134567890123456782', amountFen: 600 });
await flush();
process.stdout.write(`${JSON.stringify({ saleId: sale.id })}\n`);
host.subscribe((e) => {
  if (e.event === 'payment.progress' && (e.payload as { reason: string | null }).reason === 'cancelled by the cashier') process.kill(process.pid, 'SIGKILL');
});
await must('sale.void', { saleId: sale.id, reason: 'customer left' });
clearInterval(keepAlive);
process.stdout.write('{"survived":true}\n');
process.exit(0);
