/**
 * `npm run sandbox`: run the channel simulator until Ctrl-C.
 * Options: --port N (default: the config's, else 18080), --host H (default 127.0.0.1), --slow-ms N,
 * --password-queries N, --config FILE (or SANDBOX_CONFIG=FILE): merchant ids, keys and port from that JSON
 * file, created with fresh keys on the first start (see ./config). Without a config the keys are random on
 * every start. Prints where it listens, the scenario table and the merchant credentials (sandbox-only keys).
 * A config it cannot use: the field is named on stderr, exit code 2, nothing started.
 */
import path from 'node:path';
import { DEFAULT_SANDBOX_PORT, loadOrCreateSandboxConfig, type SandboxConfig, SandboxConfigError } from './config';
import { AMOUNT_SCENARIOS } from './scenarios';
import { DEFAULT_SLOW_DELAY_MS, startSandbox, type SandboxOptions } from './server';

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) usage(`--${name} needs a value`);
  return value;
}

function intArg(name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = arg(name);
  if (raw === undefined) return undefined;
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n > max) usage(`--${name} must be an integer from 0 to ${max}`);
  return n;
}

const FLAGS = new Set(['--port', '--host', '--slow-ms', '--password-queries', '--config']);

/** A mistyped flag (`--prot 5`) is an error, not silently ignored. */
function checkFlags(): void {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i] ?? '';
    if (!FLAGS.has(flag)) usage(`unknown option ${flag}; options: ${[...FLAGS].join(' ')}`);
  }
}

/** The config file, if one was asked for: loaded, or created with fresh keys. Exits 2 if it is unusable. */
function config(portFlag: number | undefined): SandboxConfig | undefined {
  const file = arg('config') ?? (process.env.SANDBOX_CONFIG || undefined);
  if (file === undefined) return undefined;
  const full = path.resolve(file);
  try {
    const { config: loaded, created } = loadOrCreateSandboxConfig(full, { port: portFlag ?? DEFAULT_SANDBOX_PORT });
    console.log(created ? `Created ${full} with fresh merchant keys: the next start reuses them.` : `Merchant keys and port from ${full}`);
    return loaded;
  } catch (e) {
    if (e instanceof SandboxConfigError) usage(e.message);
    throw e;
  }
}

async function main(): Promise<void> {
  checkFlags();
  const host = arg('host') ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '0.0.0.0') {
    console.error('--host must be 127.0.0.1, localhost or 0.0.0.0');
    process.exit(2);
  }
  const portFlag = intArg('port', 65535);
  const slowDelayMs = intArg('slow-ms') ?? DEFAULT_SLOW_DELAY_MS;
  const passwordQueries = intArg('password-queries') ?? 2;
  const fromFile = config(portFlag);
  const options: SandboxOptions = {
    port: portFlag ?? fromFile?.port ?? DEFAULT_SANDBOX_PORT,
    host,
    slowDelayMs,
    passwordQueries,
    ...(fromFile ? { keys: fromFile.keys } : {}),
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
