import { describe, expect, it } from 'vitest';
import { type PosApi } from '../../shared/api/client';
import { type Result } from '../../shared/api/result';
import { withSessionGuard } from './session-guard';

const answering = (result: Result<unknown>): PosApi => ({ call: (async () => result) as PosApi['call'], on: () => () => undefined });

describe('withSessionGuard', () => {
  it('a NOT_AUTHENTICATED answer while signed in signs the screen out; others pass through untouched', async () => {
    let signedIn = true;
    let outs = 0;
    const guard = (r: Result<unknown>) => withSessionGuard(answering(r), () => signedIn, () => ((signedIn = false), outs++));
    expect(await guard({ ok: true, value: 1 }).call('host.info')).toEqual({ ok: true, value: 1 });
    expect(await guard({ ok: false, error: { code: 'NOT_AUTHORIZED', message: 'x' } }).call('host.info')).toMatchObject({ ok: false });
    expect(outs).toBe(0);
    const ended = { ok: false as const, error: { code: 'NOT_AUTHENTICATED' as const, message: 'log in first' } };
    expect(await guard(ended).call('host.info')).toEqual(ended);
    expect(outs).toBe(1);
    // Already on the sign-in screen: nothing more to do.
    await guard(ended).call('host.info');
    expect(outs).toBe(1);
  });
});
