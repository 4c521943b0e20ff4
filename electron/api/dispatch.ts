import { type z } from 'zod';
import { type MethodName, isMethodName, methods } from '../../shared/api/contract';
import { PosError, type Result, err } from '../../shared/api/result';
import { type CallContext, type HandlerMap } from './context';
import { type Logger } from '../log';

/** Human-readable summary of zod issues, bounded so a huge payload cannot produce a huge message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`)
    .join('; ')
    .slice(0, 500);
}

/**
 * The single entry point of every API call, whatever the transport: checks the method exists, that the
 * caller may call it, parses the input (strict: wrong types, extra fields, oversized strings are a
 * VALIDATION error and nothing runs), runs the handler and checks its output against the contract.
 */
export function createDispatcher(handlers: HandlerMap<MethodName>, log: Logger) {
  return async function dispatch(method: unknown, params: unknown, call: CallContext): Promise<Result<unknown>> {
    if (typeof method !== 'string' || !isMethodName(method)) return err('UNKNOWN_METHOD', `unknown method ${String(method).slice(0, 64)}`);
    const spec = methods[method];
    if (spec.access !== 'public' && !call.session) return err('NOT_AUTHENTICATED', 'log in first');
    if (spec.access === 'manager' && call.session?.user.role !== 'manager') return err('NOT_AUTHORIZED', `${method} needs a manager`);
    const parsed = spec.input.safeParse(params);
    if (!parsed.success) return err('VALIDATION', describeIssues(parsed.error));
    try {
      const handler = handlers[method] as (input: unknown, call: CallContext) => unknown;
      const value = await handler(parsed.data, call);
      const out = spec.output.safeParse(value);
      if (!out.success) {
        log.error('handler output breaks the contract', { method, issues: describeIssues(out.error) });
        return err('INTERNAL', `${method} produced an invalid result`);
      }
      return { ok: true, value: out.data };
    } catch (e) {
      if (e instanceof PosError) return err(e.code, e.message);
      log.error('handler failed', { method, error: e });
      return err('INTERNAL', `${method} failed: ${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'}`);
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
