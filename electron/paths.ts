import os from 'node:os';
import path from 'node:path';

/** Where the terminal keeps its database when neither --data-dir nor POS_DATA_DIR says otherwise. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'aggregated-pos');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'aggregated-pos');
  return path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'aggregated-pos');
}

export type StartOptions = { headless: boolean; dataDir: string; port: number; noBuild: boolean; forceBrowser: boolean };

/** Parses `npm start -- [--headless] [--data-dir DIR] [--port N] [--browser] [--no-build]`. */
export function parseStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StartOptions {
  const opts: StartOptions = {
    headless: false,
    dataDir: env.POS_DATA_DIR ?? defaultDataDir(env),
    port: env.POS_PORT ? Number(env.POS_PORT) : 5178,
    noBuild: false,
    forceBrowser: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--headless':
        opts.headless = true;
        break;
      case '--browser':
        opts.forceBrowser = true;
        break;
      case '--no-build':
        opts.noBuild = true;
        break;
      case '--data-dir':
        opts.dataDir = value();
        break;
      case '--port': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be 0..65535`);
        opts.port = n;
        break;
      }
      default:
        throw new Error(`unknown option ${arg} (known: --headless, --browser, --data-dir DIR, --port N, --no-build)`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('POS_PORT must be 0..65535');
  opts.dataDir = path.resolve(opts.dataDir);
  return opts;
}
