import { parseArgs } from 'node:util';
import { type HqOptions } from './server';
import { type TerminalRegistration, type TerminalsOption } from './terminals';

/** Command line and environment for `npm run hq`. Flags win over environment variables. */
export const HQ_USAGE = `Usage: npm run hq -- [options]
  --port <n>               listen port (env HQ_PORT, default 8787; 0 = any free port)
  --host <addr>            listen address (env HQ_HOST, default 127.0.0.1)
  --db <file>              HQ database file (env HQ_DB, default ./hq.sqlite)
  --terminal <id=secret>   register a terminal; repeatable; id@store=secret binds it to a store
                           (env HQ_TERMINALS, comma-separated)
  --admin-token <token>    bearer token for read-only back-office access (env HQ_ADMIN_TOKEN, ≥16 chars)
  --tls-key <file> --tls-cert <file>   serve HTTPS (env HQ_TLS_KEY, HQ_TLS_CERT)
  --replay-window-ms <n>   accepted clock skew (env HQ_REPLAY_WINDOW_MS, default 300000)
  --help`;

export type HqCliConfig = Omit<HqOptions, 'tls' | 'log' | 'clock' | 'faults'> & { tlsKeyFile?: string; tlsCertFile?: string };

/** `T01=secret` or `T01@S001=secret`. The secret may itself contain '='. */
export function parseTerminalSpec(spec: string): [string, TerminalRegistration] {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new Error(`--terminal "${spec.split('=')[0] ?? ''}=…": expected id=secret or id@store=secret`);
  const left = spec.slice(0, eq);
  const secret = spec.slice(eq + 1);
  const at = left.indexOf('@');
  if (at === -1) return [left, { secret }];
  return [left.slice(0, at), { secret, storeId: left.slice(at + 1) }];
}

function parseInteger(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new Error(`${name}: expected an integer, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new Error(`${name}: must be between ${min} and ${max}`);
  return n;
}

export type ParsedCli = { help: true } | { help: false; config: HqCliConfig };

export function parseHqCli(argv: readonly string[], env: Record<string, string | undefined>): ParsedCli {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      terminal: { type: 'string', multiple: true },
      'admin-token': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      'replay-window-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return { help: true };

  const specs = values.terminal ?? (env['HQ_TERMINALS'] ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const terminals: TerminalsOption = {};
  for (const spec of specs) {
    const [id, registration] = parseTerminalSpec(spec);
    terminals[id] = registration;
  }
  const config: HqCliConfig = {
    dbPath: values.db ?? env['HQ_DB'] ?? './hq.sqlite',
    port: parseInteger('--port', values.port ?? env['HQ_PORT'] ?? '8787', 0, 65535),
    host: values.host ?? env['HQ_HOST'] ?? '127.0.0.1',
    terminals,
  };
  const adminToken = values['admin-token'] ?? env['HQ_ADMIN_TOKEN'];
  if (adminToken !== undefined && adminToken !== '') config.adminToken = adminToken;
  const window = values['replay-window-ms'] ?? env['HQ_REPLAY_WINDOW_MS'];
  if (window !== undefined) config.replayWindowMs = parseInteger('--replay-window-ms', window, 1000, 24 * 3600 * 1000);
  const tlsKey = values['tls-key'] ?? env['HQ_TLS_KEY'];
  const tlsCert = values['tls-cert'] ?? env['HQ_TLS_CERT'];
  if ((tlsKey === undefined) !== (tlsCert === undefined)) throw new Error('--tls-key and --tls-cert go together');
  if (tlsKey !== undefined && tlsCert !== undefined) {
    config.tlsKeyFile = tlsKey;
    config.tlsCertFile = tlsCert;
  }
  return { help: false, config };
}
