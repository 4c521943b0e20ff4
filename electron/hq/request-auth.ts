import { timingSafeEqual } from 'node:crypto';
import { type IncomingHttpHeaders } from 'node:http';
import { verifyRequest, type AuthFailure, type NonceCache } from '../sync/client/auth';
import { type TerminalRecord } from './terminals';

/** Who is calling: a terminal (signed request) or the back-office admin (bearer token, read-only). */
export type Caller = { kind: 'terminal'; terminal: TerminalRecord } | { kind: 'admin' };

export type CallerResult = { ok: true; caller: Caller } | { ok: false; reason: AuthFailure | 'bad_admin_token'; message: string; terminalId?: string };

export type RequestAuthDeps = {
  findTerminal: (terminalId: string) => TerminalRecord | undefined;
  adminToken: string | undefined;
  nonces: NonceCache;
  windowMs: number;
  nowMs: number;
};

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function authenticateCaller(
  request: { headers: IncomingHttpHeaders; method: string; path: string; body: Buffer },
  deps: RequestAuthDeps,
  allowAdmin: boolean,
): CallerResult {
  const authorization = request.headers.authorization;
  if (allowAdmin && authorization !== undefined) {
    const match = /^Bearer (.+)$/.exec(authorization);
    if (deps.adminToken !== undefined && match?.[1] !== undefined && tokenMatches(match[1], deps.adminToken)) return { ok: true, caller: { kind: 'admin' } };
    return { ok: false, reason: 'bad_admin_token', message: 'admin token refused' };
  }
  let found: TerminalRecord | undefined;
  const result = verifyRequest(request, {
    secretFor: (terminalId) => {
      found = deps.findTerminal(terminalId);
      return found?.secret;
    },
    nowMs: deps.nowMs,
    windowMs: deps.windowMs,
    nonces: deps.nonces,
  });
  if (!result.ok) return result.terminalId === undefined ? { ok: false, reason: result.reason, message: result.message } : { ok: false, reason: result.reason, message: result.message, terminalId: result.terminalId };
  if (found === undefined) return { ok: false, reason: 'unknown_terminal', message: 'unknown terminal' };
  return { ok: true, caller: { kind: 'terminal', terminal: found } };
}
