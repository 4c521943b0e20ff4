import { type PosApi } from '../../shared/api/client';

/**
 * The host ends a session by itself (the user was deactivated): the next call answers NOT_AUTHENTICATED.
 * Any such answer while this screen thinks it is signed in sends it back to the sign-in screen, instead of
 * leaving a screen whose every action fails.
 */
export function withSessionGuard(api: PosApi, signedIn: () => boolean, signedOut: () => void): PosApi {
  const call = (async (method: Parameters<PosApi['call']>[0], input?: unknown) => {
    const result = await api.call(method, input as never);
    if (!result.ok && result.error.code === 'NOT_AUTHENTICATED' && signedIn()) signedOut();
    return result;
  }) as PosApi['call'];
  return { call, on: (event, listener) => api.on(event, listener) };
}
