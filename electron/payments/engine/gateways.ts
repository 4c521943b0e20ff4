import { type HostContext } from '../../api/context';
import { PosError } from '../../../shared/api/result';
import { getSecret } from '../../services/settings-store';
import { type AdapterDeps, type ChannelsConfig, createChannels, sandboxChannelConfig } from '../channels/index';
import { type PaymentChannel } from '../channels/types';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/server';
import { type Channels } from './engine';

export type GatewayOptions = {
  /** Explicit gateway configuration (tests, a sandbox running elsewhere); wins over the terminal mode. */
  channels?: ChannelsConfig;
  /** Adapter dependencies (a timing `send` in the benchmark, test clocks). */
  channelDeps?: AdapterDeps;
  /** Test hook: these channels as they are (in-test fakes). */
  fakes?: Channels;
  /** Test hook: wrap each adapter (fault injection, crash points). */
  wrapChannel?: (channel: PaymentChannel) => PaymentChannel;
  /** Options of the in-process sandbox (sandbox mode without explicit channels). */
  sandbox?: SandboxOptions;
};

/** Secret holding the live gateways' JSON configuration (endpoints and keys): never in settings. */
export const LIVE_CHANNELS_SECRET = 'payments.channels';

/**
 * Builds the gateway adapters on first use: explicit configuration; or in sandbox (training) mode an
 * in-process sandbox on a random port; or in live mode the configuration stored as a secret. Request
 * timeouts come from the payments settings at build time.
 */
export function createGateways(ctx: HostContext, opts: GatewayOptions) {
  let built: Promise<Channels> | undefined;
  let sandbox: Sandbox | undefined;
  let closed = false;

  const withTimeouts = (config: ChannelsConfig): ChannelsConfig => {
    const t = ctx.settings().payments.timings;
    return {
      ...(config.wechat ? { wechat: { ...config.wechat, timeoutMs: t.wechat.requestTimeoutMs } } : {}),
      ...(config.alipay ? { alipay: { ...config.alipay, timeoutMs: t.alipay.requestTimeoutMs } } : {}),
      ...(config.unionpay ? { unionpay: { ...config.unionpay, timeoutMs: t.unionpay.requestTimeoutMs } } : {}),
      ...(config.jeepay ? { jeepay: { ...config.jeepay, timeoutMs: t.jeepay.requestTimeoutMs } } : {}),
    };
  };

  const make = (config: ChannelsConfig): Channels => {
    const deps: AdapterDeps = {
      clock: ctx.clock,
      onSecurityEvent: (e) => ctx.log.warn('payment channel security event', { channel: e.channel, operation: e.operation, kind: e.kind, detail: e.detail }),
      ...opts.channelDeps,
    };
    const channels = createChannels(withTimeouts(config), deps);
    if (!opts.wrapChannel) return channels;
    const wrapped: Channels = {};
    for (const [id, ch] of Object.entries(channels) as [keyof Channels, PaymentChannel][]) wrapped[id] = opts.wrapChannel(ch);
    return wrapped;
  };

  async function build(): Promise<Channels> {
    if (opts.fakes) return opts.fakes;
    if (opts.channels) return make(opts.channels);
    if (ctx.settings().terminal.mode === 'sandbox') {
      const sb = await startSandbox({ port: 0, clock: ctx.clock, ...opts.sandbox });
      if (closed) {
        await sb.close();
        throw new PosError('CHANNEL_ERROR', 'host is shutting down');
      }
      sandbox = sb;
      ctx.log.info('payment sandbox started', { url: sb.url });
      return make(sandboxChannelConfig(sb));
    }
    const stored = getSecret(ctx.db, LIVE_CHANNELS_SECRET);
    if (!stored) return {};
    try {
      return make(JSON.parse(stored) as ChannelsConfig);
    } catch (e) {
      throw new PosError('CHANNEL_ERROR', `live gateway configuration is unusable: ${e instanceof Error ? e.message : 'invalid JSON'}`);
    }
  }

  return {
    get(): Promise<Channels> {
      if (closed) return Promise.reject(new PosError('CHANNEL_ERROR', 'host is shutting down'));
      built ??= build().catch((e: unknown) => {
        built = undefined; // try again next time
        throw e;
      });
      return built;
    },
    /** The in-process sandbox, once started (training mode). */
    sandbox: (): Sandbox | undefined => sandbox,
    async close(): Promise<void> {
      closed = true;
      await sandbox?.close();
    },
  };
}
