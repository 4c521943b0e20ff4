/**
 * Sandbox scenarios. Chosen per request, in this order:
 * 1. a forced scenario queued through `POST /__sandbox/scenario` / `setScenario()` (next N matching requests);
 * 2. for pay requests, the amount's last two fen digits (like WeChat's own sandbox uses fixed amounts):
 *
 * | amount ends in | scenario          | what happens                                                              |
 * |----------------|-------------------|---------------------------------------------------------------------------|
 * | .51            | password          | USERPAYING / 10003 / 02; paid after K queries or T ms (clock)             |
 * | .52            | password_cancel   | USERPAYING, then the customer gives up: PAYERROR / closed / failed        |
 * | .53            | insufficient      | NOTENOUGH / ACQ.BUYER_BALANCE_NOT_ENOUGH / 51 / failed                     |
 * | .54            | expired           | AUTHCODEEXPIRE / ACQ.PAYMENT_AUTH_CODE_INVALID / 54 / failed               |
 * | .55            | lost              | charged, then the connection is destroyed without an answer              |
 * | .56            | reset             | connection reset before anything is charged                              |
 * | .57            | http_5xx          | 502 Bad Gateway, nothing charged                                         |
 * | .58            | slow              | charged, answer sent after `slowDelayMs` (past the client timeout)        |
 * | .59            | bad_signature     | charged, answer signed with the wrong key                                |
 * | .60            | system_error      | charged, answer SYSTEMERROR / 20000 / 99 (result unknown)                |
 * | .61            | duplicate         | the number was already used by an earlier request of this same payment,  |
 * |                |                   | which was charged (its answer lost): ORDERPAID / ACQ.TRADE_HAS_SUCCESS / |
 * |                |                   | 12 / "已存在"; a query finds it paid                                       |
 * | .62            | duplicate_unpaid  | the number was already used by another, unpaid order (closed): nothing   |
 * |                |                   | is charged; OUT_TRADE_NO_USED / ACQ.CONTEXT_INCONSISTENT / 12 / "已存在"; |
 * |                |                   | a query finds that order closed                                          |
 * | .63            | reverse_retry     | the customer never finishes the password; the order's first reverse/     |
 * |                |                   | cancel answers recall=Y / retry_flag=Y / 99 (not done), the next reverses |
 * | .64            | late              | no answer; the request reaches the gateway only after `lateDelayMs`      |
 * |                |                   | (clock; after the till's reverse found no order) and charges the code    |
 * | anything else  | success           | paid at once                                                             |
 *
 * Forced on a reverse (`operation: 'reverse'`), `reverse_retry` makes that reverse/cancel answer "call again"
 * without doing anything. (Jeepay's close has no retry flag: its orders are closed at the first call.)
 * Forced on a refund, `insufficient` refuses it. Faults can be forced on any operation; the other scenarios
 * only on a pay (see `scenarioActsOn`).
 */
export const BUSINESS_SCENARIOS = ['success', 'password', 'password_cancel', 'insufficient', 'expired', 'system_error', 'duplicate', 'duplicate_unpaid', 'reverse_retry'] as const;
export const FAULT_SCENARIOS = ['lost', 'reset', 'http_5xx', 'slow', 'bad_signature', 'late'] as const;
export const SCENARIOS = [...BUSINESS_SCENARIOS, ...FAULT_SCENARIOS] as const;
export type BusinessScenario = (typeof BUSINESS_SCENARIOS)[number];
export type FaultScenario = (typeof FAULT_SCENARIOS)[number];
export type Scenario = (typeof SCENARIOS)[number];
export const SANDBOX_OPERATIONS = ['pay', 'query', 'reverse', 'refund', 'refundQuery', 'bill'] as const;
export type SandboxOperation = (typeof SANDBOX_OPERATIONS)[number];

export const AMOUNT_SCENARIOS: Readonly<Record<number, Scenario>> = {
  51: 'password',
  52: 'password_cancel',
  53: 'insufficient',
  54: 'expired',
  55: 'lost',
  56: 'reset',
  57: 'http_5xx',
  58: 'slow',
  59: 'bad_signature',
  60: 'system_error',
  61: 'duplicate',
  62: 'duplicate_unpaid',
  63: 'reverse_retry',
  64: 'late',
};

export const scenarioForAmount = (fen: number): Scenario => AMOUNT_SCENARIOS[fen % 100] ?? 'success';

export const isFault = (s: Scenario): s is FaultScenario => (FAULT_SCENARIOS as readonly string[]).includes(s);

/**
 * The operations a forced business scenario acts on (where a handler reads it). Faults strike any request and
 * `success` (nothing forced) fits anywhere; any other scenario elsewhere would be used up doing nothing.
 */
export const BUSINESS_SCENARIO_OPERATIONS: Readonly<Record<BusinessScenario, readonly SandboxOperation[]>> = {
  success: SANDBOX_OPERATIONS,
  password: ['pay'],
  password_cancel: ['pay'],
  insufficient: ['pay', 'refund'],
  expired: ['pay'],
  system_error: ['pay'],
  duplicate: ['pay'],
  duplicate_unpaid: ['pay'],
  reverse_retry: ['pay', 'reverse'],
};

/** Can this scenario, forced on this operation, do anything? ('any' takes the next request of any kind.) */
export const scenarioActsOn = (s: Scenario, operation: SandboxOperation | 'any'): boolean =>
  isFault(s) || operation === 'any' || BUSINESS_SCENARIO_OPERATIONS[s].includes(operation);

export type ForcedScenario = {
  scenario: Scenario;
  /** How many matching requests it applies to. Default 1. */
  count?: number;
  /** Only requests to this channel. Default: any channel. */
  channel?: string;
  /** Only this operation, or 'any'. Default 'pay'. */
  operation?: SandboxOperation | 'any';
};

export type ScenarioQueue = {
  push(f: ForcedScenario): void;
  /** Consume the first forced entry matching this request. */
  take(channel: string, operation: SandboxOperation): Scenario | undefined;
  clear(): void;
  pending(): ForcedScenario[];
};

export function createScenarioQueue(): ScenarioQueue {
  let queue: Required<ForcedScenario>[] = [];
  return {
    push(f) {
      queue.push({ scenario: f.scenario, count: f.count ?? 1, channel: f.channel ?? 'any', operation: f.operation ?? 'pay' });
    },
    take(channel, operation) {
      const entry = queue.find((q) => (q.channel === 'any' || q.channel === channel) && (q.operation === 'any' || q.operation === operation));
      if (!entry) return undefined;
      entry.count--;
      if (entry.count <= 0) queue = queue.filter((q) => q !== entry);
      return entry.scenario;
    },
    clear() {
      queue = [];
    },
    pending: () => queue.map((q) => ({ ...q })),
  };
}
