import { readFileSync } from 'node:fs';
import { HQ_USAGE, parseHqCli } from './cli-args';
import { type HqLogEvent } from './routes';
import { startHq } from './server';

/** `npm run hq`: the reference HQ receiver in the foreground until Ctrl-C. */
function logLine(event: HqLogEvent): void {
  const { level, msg, ...fields } = event;
  const detail = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const line = `${new Date().toISOString()} ${level.padEnd(5)} ${msg}${detail === '' ? '' : ` ${detail}`}`;
  if (level === 'info') console.log(line);
  else console.error(line);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseHqCli(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`hq: ${error instanceof Error ? error.message : String(error)}\n\n${HQ_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    console.log(HQ_USAGE);
    return;
  }
  const { tlsKeyFile, tlsCertFile, ...options } = parsed.config;
  const tls = tlsKeyFile !== undefined && tlsCertFile !== undefined ? { key: readFileSync(tlsKeyFile), cert: readFileSync(tlsCertFile) } : undefined;
  const hq = await startHq({ ...options, ...(tls === undefined ? {} : { tls }), log: logLine });
  const ids = Object.keys(options.terminals ?? {});
  console.log(`HQ receiver listening on ${hq.url}`);
  console.log(`  database:  ${options.dbPath}`);
  console.log(`  terminals: ${ids.length === 0 ? '(none given on the command line; earlier registrations in the database stay valid)' : ids.join(', ')}`);
  console.log(`  admin:     ${options.adminToken === undefined ? 'no admin token (reads need a terminal signature)' : 'bearer token set'}`);
  console.log('Press Ctrl-C to stop.');

  const stop = (signal: string): void => {
    console.log(`\n${signal}: closing HQ`);
    hq.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`hq: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
