import { type Db } from '../db/open';
import { type Clock } from '../clock';
import { type Logger } from '../log';
import { type EventBus } from '../events';
import { type RecordBus } from '../services/records';
import { type Connectivity } from '../services/connectivity';
import { type Settings } from '../../shared/settings';
import { type Session } from '../../shared/api/session';
import { type MethodName, type MethodOutput, type ParsedInput } from '../../shared/api/contract';

/** What every service and handler may use. Built once by createHost. */
export type HostContext = {
  readonly db: Db;
  readonly clock: Clock;
  readonly log: Logger;
  readonly events: EventBus;
  /** Completed business records, written to the sync outbox in the same transaction. */
  readonly records: RecordBus;
  readonly connectivity: Connectivity;
  readonly dataDir: string;
  readonly dbPath: string;
  readonly schemaVersion: number;
  readonly transport: 'electron' | 'browser';
  readonly startedAt: string;
  readonly version: string;
  settings(): Settings;
  replaceSettings(next: Settings): void;
  /** Cash just went into or out of the drawer (committed): the drawer opens (devices service). */
  cashMoved(why: string): void;
};

/** Per-call context: which client is calling and its session (null before login). */
export type CallContext = {
  readonly clientId: string;
  readonly session: Session | null;
  setSession(session: Session | null): void;
};

export type Handler<M extends MethodName> = (input: ParsedInput<M>, call: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type HandlerMap<K extends MethodName> = { [M in K]: Handler<M> };

/** Narrows the session for handlers of 'cashier'/'manager' methods (the dispatcher already checked). */
export function requireSession(call: CallContext): Session {
  if (!call.session) throw new Error('dispatcher let an unauthenticated call through');
  return call.session;
}
