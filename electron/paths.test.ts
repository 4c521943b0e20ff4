import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, parseStartArgs } from './paths';

describe('parseStartArgs', () => {
  it('reads flags, env and defaults', () => {
    expect(parseStartArgs(['--headless', '--data-dir', '/tmp/x', '--port=0'], {})).toMatchObject({ headless: true, dataDir: '/tmp/x', port: 0 });
    expect(parseStartArgs([], { POS_DATA_DIR: 'rel', POS_PORT: '9000' })).toMatchObject({ headless: false, dataDir: path.resolve('rel'), port: 9000 });
    expect(parseStartArgs([], { XDG_DATA_HOME: '/data' }).dataDir).toBe('/data/aggregated-pos');
  });
  it('refuses unknown flags and bad values clearly', () => {
    expect(() => parseStartArgs(['--frobnicate'], {})).toThrow(/unknown option --frobnicate/);
    expect(() => parseStartArgs(['--port', 'abc'], {})).toThrow(/--port/);
    expect(() => parseStartArgs(['--data-dir'], {})).toThrow(/needs a value/);
  });
  it('has a per-platform default', () => {
    expect(defaultDataDir({ APPDATA: 'C:\\AppData' }, 'win32')).toContain('aggregated-pos');
  });
});
