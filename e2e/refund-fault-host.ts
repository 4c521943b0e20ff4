/**
 * Test-only host for the browser tests: browser mode exactly as `scripts/start.ts --headless --no-build`
 * (same arguments, same "POS ready" line), with one fault that can be switched on and off while it runs.
 * While the file named by POS_E2E_REFUND_FAULT_FILE exists, every refund request is answered as a
 * gateway's final refusal (Alipay's ACQ.SELLER_BALANCE_NOT_ENOUGH: the merchant account cannot pay
 * refunds right now) without reaching the sandbox; once it is gone, refunds go to the sandbox as usual.
 *
 * It uses the host's own fault-injection hook (`payments.wrapChannel`) because the browser test cannot
 * reach the in-process sandbox's control endpoint (its port is random and not shown); the sandbox itself
 * can refuse a refund too (`{"scenario":"insufficient","operation":"refund"}`).
 */
import fs from 'node:fs';
import { parseStartArgs } from '../electron/paths';
import { createHost } from '../electron/host';
import { RENDERER_DIR } from '../electron/browser-mode';
import { startBrowserServer } from '../electron/transport/browser-server';
import { createLogger } from '../electron/log';
import { type PaymentChannel } from '../electron/payments/channels/types';

const faultFile = process.env.POS_E2E_REFUND_FAULT_FILE;
if (!faultFile) throw new Error('POS_E2E_REFUND_FAULT_FILE is not set');

const refusing = (ch: PaymentChannel): PaymentChannel => ({
  ...ch,
  refund: async (req) => (fs.existsSync(faultFile) ? { status: 'failed', code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH', message: '卖家余额不足' } : ch.refund(req)),
});

const opts = parseStartArgs(process.argv.slice(2));
const log = createLogger();
const host = createHost({ dataDir: opts.dataDir, transport: 'browser', logger: log, initialManagerPin: process.env.POS_MANAGER_PIN, payments: { wrapChannel: refusing } });
const server = await startBrowserServer({ host, log, staticDir: RENDERER_DIR, port: opts.port });
console.log(`POS ready: ${server.appUrl}`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server
    .close()
    .then(() => host.close())
    .finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
