/**
 * `npm run sandbox`: run the channel simulator until Ctrl-C.
 * Options: --port N (default 18080), --host H (default 127.0.0.1), --slow-ms N, --password-queries N.
 * Prints where it listens, the scenario table and the merchant credentials (sandbox-only keys).
 */
import { AMOUNT_SCENARIOS } from './scenarios';
import { startSandbox, type SandboxOptions } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intArg(name: string, fallback: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const host = arg('host') ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '0.0.0.0') {
    console.error('--host must be 127.0.0.1, localhost or 0.0.0.0');
    process.exit(2);
  }
  const options: SandboxOptions = {
    port: intArg('port', 18080),
    host,
    slowDelayMs: intArg('slow-ms', 3000),
    passwordQueries: intArg('password-queries', 2),
  };
  const sandbox = await startSandbox(options);
  const { keys } = sandbox;
  console.log(`Payment channel sandbox listening on ${sandbox.url}`);
  console.log(`  WeChat Pay v2   ${sandbox.url}/pay/micropay  (appid ${keys.wechat.appId}, mch_id ${keys.wechat.mchId}, key ${keys.wechat.apiKey})`);
  console.log(`  Alipay          ${sandbox.url}/gateway.do    (app_id ${keys.alipay.appId})`);
  console.log(`  UnionPay        ${sandbox.url}/unionpay/gateway (merId ${keys.unionpay.merId}, key ${keys.unionpay.key})`);
  console.log(`  Jeepay          ${sandbox.url}/api/pay/unifiedOrder (mchNo ${keys.jeepay.mchNo}, appId ${keys.jeepay.appId}, key ${keys.jeepay.apiKey})`);
  console.log(`  Control         GET ${sandbox.url}/__sandbox/ledger · POST /__sandbox/scenario · POST /__sandbox/reset`);
  console.log('\nScenarios by amount (last two fen digits):');
  for (const [cents, scenario] of Object.entries(AMOUNT_SCENARIOS)) console.log(`  x.${cents}  ${scenario}`);
  console.log('  other  success');
  console.log('\nAlipay app private key (the POS signs with it):');
  console.log(keys.alipay.appPrivateKey);
  console.log('Alipay public key (the POS verifies answers with it):');
  console.log(keys.alipay.alipayPublicKey);
  console.log('Ctrl-C to stop.');

  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
