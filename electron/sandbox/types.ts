/** What a protocol handler gets from the server and gives back. */
import { type Clock } from '../clock';
import { type SandboxKeys } from './keys';
import { type Ledger } from './ledger';
import { type BusinessScenario, type SandboxOperation } from './scenarios';

export type SandboxHttpRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** http://host:port of the sandbox, for URLs it hands out (Alipay bill download). */
  baseUrl: string;
};

export type SandboxHttpResponse = { status: number; contentType: string; body: string | Buffer };

export type HandlerContext = {
  ledger: Ledger;
  keys: SandboxKeys;
  clock: Clock;
  /** Register a one-off download (Alipay bill); returns its path. */
  publish(body: Buffer, contentType: string): string;
};

export type RunOptions = { scenario: BusinessScenario; badSignature: boolean };

/** A request the handler understood: the server decides the scenario, then runs it. */
export type PreparedRequest = {
  operation: SandboxOperation;
  /** Pay requests: the amount that picks the scenario. */
  amountFen?: number;
  /** Pay requests: the payment code as submitted (counted in the ledger's submissions, whatever happens next). */
  authCode?: string;
  run(opts: RunOptions): SandboxHttpResponse;
};

export type ProtocolHandler = (req: SandboxHttpRequest, ctx: HandlerContext) => PreparedRequest | SandboxHttpResponse;

export const isPrepared = (v: PreparedRequest | SandboxHttpResponse): v is PreparedRequest => 'run' in v;
