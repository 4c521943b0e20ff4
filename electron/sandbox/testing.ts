/** Helpers for tests that drive adapters against the sandbox (not used at runtime). */
import { createManualClock } from '../clock';
import { createChannels, sandboxChannelConfig } from '../payments/channels/index';
import { type AdapterDeps } from '../payments/channels/common';
import { type ChannelId, type PaymentChannel, type SecurityEvent } from '../payments/channels/types';
import { generateSandboxKeys, type SandboxKeys } from './keys';
import { startSandbox, type Sandbox, type SandboxOptions } from './server';

let cachedKeys: SandboxKeys | undefined;
/** RSA generation is slow: one key set per test process. */
export const sharedKeys = (): SandboxKeys => (cachedKeys ??= generateSandboxKeys());

let counter = 0;
/** A fresh, valid payment code for the channel (codes are single use). */
export function freshCode(channel: ChannelId): string {
  counter++;
  const tail = String(Date.now() % 1e6).padStart(6, '0') + String(counter).padStart(10, '0');
  if (channel === 'alipay') return `28${tail}`;
  if (channel === 'unionpay') return `62${tail}0`;
  return `13${tail}`; // WeChat; the aggregator takes it too
}

let orderCounter = 0;
export const freshOrderNo = (prefix = 'T'): string => `${prefix}${Date.now()}${String(++orderCounter).padStart(4, '0')}`;

export type SandboxFixture = {
  sandbox: Sandbox;
  clock: ReturnType<typeof createManualClock>;
  channels: Record<ChannelId, PaymentChannel>;
  events: SecurityEvent[];
  close(): Promise<void>;
};

export async function startSandboxFixture(options: SandboxOptions = {}, timeoutMs = 2_000, deps: AdapterDeps = {}): Promise<SandboxFixture> {
  const clock = createManualClock();
  const sandbox = await startSandbox({ clock, keys: sharedKeys(), ...options });
  const events: SecurityEvent[] = [];
  const built = createChannels(sandboxChannelConfig(sandbox, timeoutMs), { clock, onSecurityEvent: (e) => events.push(e), ...deps });
  const channels = built as Record<ChannelId, PaymentChannel>;
  return { sandbox, clock, channels, events, close: () => sandbox.close() };
}
