import { describe, expect, it } from 'vitest';
import { parseHqCli, parseTerminalSpec } from './cli-args';

describe('parseTerminalSpec', () => {
  it('reads id=secret and id@store=secret; the secret may contain =', () => {
    expect(parseTerminalSpec('T01=abc=def')).toEqual(['T01', { secret: 'abc=def' }]);
    expect(parseTerminalSpec('T01@S001=s3cret-long')).toEqual(['T01', { secret: 's3cret-long', storeId: 'S001' }]);
  });

  it('refuses a spec without secret, without echoing a secret', () => {
    expect(() => parseTerminalSpec('T01')).toThrow(/expected id=secret/);
    expect(() => parseTerminalSpec('T01=')).toThrow(/expected id=secret/);
    expect(() => parseTerminalSpec('=secret')).toThrow(/expected id=secret/);
  });
});

describe('parseHqCli', () => {
  it('uses defaults, then environment, then flags', () => {
    expect(parseHqCli([], {})).toEqual({ help: false, config: { dbPath: './hq.sqlite', port: 8787, host: '127.0.0.1', terminals: {} } });
    const fromEnv = parseHqCli([], { HQ_PORT: '9000', HQ_DB: '/tmp/x.sqlite', HQ_TERMINALS: 'T01=aaaaaaaa, T02@S1=bbbbbbbb', HQ_ADMIN_TOKEN: 'token' });
    expect(fromEnv).toEqual({
      help: false,
      config: { dbPath: '/tmp/x.sqlite', port: 9000, host: '127.0.0.1', terminals: { T01: { secret: 'aaaaaaaa' }, T02: { secret: 'bbbbbbbb', storeId: 'S1' } }, adminToken: 'token' },
    });
    const fromFlags = parseHqCli(['--port', '0', '--terminal', 'T09=cccccccc', '--replay-window-ms', '60000'], { HQ_PORT: '9000', HQ_TERMINALS: 'T01=aaaaaaaa' });
    expect(fromFlags).toMatchObject({ config: { port: 0, terminals: { T09: { secret: 'cccccccc' } }, replayWindowMs: 60000 } });
  });

  it('refuses bad values with clear errors', () => {
    expect(() => parseHqCli(['--port', 'eighty'], {})).toThrow(/--port: expected an integer/);
    expect(() => parseHqCli(['--port', '70000'], {})).toThrow(/between 0 and 65535/);
    expect(() => parseHqCli(['--tls-key', 'k.pem'], {})).toThrow(/go together/);
    expect(() => parseHqCli(['--bogus'], {})).toThrow(/bogus/);
    expect(parseHqCli(['--help'], {})).toEqual({ help: true });
  });
});
