import { describe, expect, it } from 'vitest';
import { checkSyncForm, formatAge, msToSeconds, type SyncFormValues } from './sync-form';

const form = (over: Partial<SyncFormValues> = {}): SyncFormValues => ({ hqUrl: 'http://127.0.0.1:8787', secret: 'secret-of-terminal-01', batchSize: '200', intervalSeconds: '30', ...over });

describe('sync form', () => {
  it('turns valid input into sync.configure input (seconds → whole ms, empty secret omitted)', () => {
    expect(checkSyncForm(form({ intervalSeconds: '1.5' }), false)).toEqual({ ok: true, input: { hqUrl: 'http://127.0.0.1:8787', secret: 'secret-of-terminal-01', batchSize: 200, intervalMs: 1500 } });
    expect(checkSyncForm(form({ secret: '', intervalSeconds: '0.1' }), true)).toEqual({ ok: true, input: { hqUrl: 'http://127.0.0.1:8787', batchSize: 200, intervalMs: 100 } });
    // Sync off needs no secret.
    expect(checkSyncForm(form({ hqUrl: '  ', secret: '' }), false)).toMatchObject({ ok: true, input: { hqUrl: '' } });
  });

  it('names each bad field with its own message', () => {
    expect(checkSyncForm(form({ hqUrl: 'ftp://x', secret: 'short', batchSize: '501', intervalSeconds: '0.05' }), false)).toEqual({
      ok: false,
      errors: { hqUrl: 'sync.error.hqUrl', secret: 'sync.error.secret', batchSize: 'sync.error.batchSize', intervalSeconds: 'sync.error.interval' },
    });
    expect(checkSyncForm(form({ batchSize: '2.5', intervalSeconds: 'abc' }), true)).toEqual({ ok: false, errors: { batchSize: 'sync.error.batchSize', intervalSeconds: 'sync.error.interval' } });
    expect(checkSyncForm(form({ batchSize: '0', intervalSeconds: '3601' }), true)).toEqual({ ok: false, errors: { batchSize: 'sync.error.batchSize', intervalSeconds: 'sync.error.interval' } });
    expect(checkSyncForm(form({ secret: '' }), false)).toEqual({ ok: false, errors: { secret: 'sync.error.secretNeeded' } });
  });

  it('formats ages and intervals', () => {
    expect(formatAge(45_999, 'en')).toBe('45 s');
    expect(formatAge(12 * 60_000, 'zh-CN')).toBe('12 分钟');
    expect(formatAge(3 * 3600_000 + 5, 'en')).toBe('3 h');
    expect(formatAge(2 * 86_400_000, 'en')).toBe('2 d');
    expect(msToSeconds(30_000)).toBe('30');
    expect(msToSeconds(1500)).toBe('1.5');
    expect(msToSeconds(100)).toBe('0.1');
  });
});
