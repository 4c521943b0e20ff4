/**
 * Structured logger that never writes secrets: values under secret-looking keys are replaced, and long
 * digit runs (payment codes, card numbers) are masked wherever they appear in messages.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type Logger = {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
};
export type LogSink = (line: string) => void;

const SECRET_KEY = /(pin|password|secret|token|key|sign|signature|auth_?code|authcode|private|cert|pfx)/i;
// Full-width digits too (０-９): a payment code typed with a Chinese input method in full-width mode.
const LONG_DIGITS = /[0-9\uFF10-\uFF19]{12,}/g;
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const maskDigits = (text: string): string => text.replace(LONG_DIGITS, (d) => `${d.slice(0, 4)}${'*'.repeat(d.length - 8)}${d.slice(-4)}`);

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return maskDigits(value.length > 2000 ? `${value.slice(0, 2000)}…` : value);
  if (value instanceof Error) return { name: value.name, message: maskDigits(value.message) };
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
    return out;
  }
  return value;
}

export function createLogger(opts: { level?: LogLevel; sink?: LogSink; bindings?: LogFields } = {}): Logger {
  const min = LEVELS[opts.level ?? 'info'];
  const sink = opts.sink ?? ((line) => process.stderr.write(`${line}\n`));
  const bindings = opts.bindings ?? {};
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVELS[level] < min) return;
    sink(JSON.stringify({ t: new Date().toISOString(), level, msg: maskDigits(msg), ...(redact({ ...bindings, ...fields }) as LogFields) }));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (b) => createLogger({ ...opts, bindings: { ...bindings, ...b } }),
  };
}

export const silentLogger: Logger = createLogger({ sink: () => undefined });
