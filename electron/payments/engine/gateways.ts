import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { type HostContext } from '../../api/context';
import { PosError } from '../../../shared/api/result';
import { isoAt } from '../../clock';
import { getSecret, setSecret } from '../../services/settings-store';
import { type AdapterDeps, type ChannelsConfig, createChannels, sandboxChannelConfig } from '../channels/index';
import { type PaymentChannel } from '../channels/types';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/server';
import { type Channels } from './engine';
import { readLiveGateways, toChannelsConfig } from './live-gateways';

/** The training sandbox's ledger, in the data folder. */
export const TRAINING_SANDBOX_LEDGER_FILE = 'training-sandbox-ledger.json';

const TRAINING_DIGEST_SECRET = 'sandbox.codeDigestKey';

/** The key the training sandbox digests payment codes with in its kept ledger: the till's own, in the database. */
export function trainingDigestKeyOf(ctx: Pick<HostContext, 'db' | 'clock'>): Buffer {
  let key = getSecret(ctx.db, TRAINING_DIGEST_SECRET);
  if (!key) {
    key = randomBytes(32).toString('hex');
    setSecret(ctx.db, TRAINING_DIGEST_SECRET, key, isoAt(ctx.clock));
  }
  return Buffer.from(key, 'hex');
}

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

/**
 * Builds the gateway adapters on first use: explicit configuration; or in sandbox (training) mode an
 * in-process sandbox on a random port; or in live mode the configuration stored as a secret
 * (live-gateways.ts). They are built again, for the next payment step, when what they were built from
 * changes: the terminal mode, a request timeout, or the live gateways (`invalidate`). Leaving sandbox mode
 * closes the in-process sandbox (the mode switch is refused while anything is unresolved, host handlers).
 */
export function createGateways(ctx: HostContext, opts: GatewayOptions) {
  let built: { stamp: string; channels: Promise<Channels> } | undefined;
  let sandbox: Sandbox | undefined;
  let starting: Promise<Sandbox> | undefined;
  let generation = 0;
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

  /** What the adapters depend on: when it changes they are built again. */
  const stampNow = (): string => {
    const s = ctx.settings();
    const t = s.payments.timings;
    return `${s.terminal.mode}|${t.wechat.requestTimeoutMs}|${t.alipay.requestTimeoutMs}|${t.unionpay.requestTimeoutMs}|${t.jeepay.requestTimeoutMs}|${generation}`;
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

  const trainingDigestKey = (): Buffer => trainingDigestKeyOf(ctx);

  /** The in-process sandbox, started once and kept while the till stays in sandbox mode. */
  async function sandboxNow(): Promise<Sandbox> {
    if (sandbox) return sandbox;
    // What it charged is kept in the data folder, so training refunds and reconciliation still find the
    // orders after a restart (sandbox/ledger-file.ts). A code scanned in training may be a customer's real
    // one: neither the file nor the ledger it serves on localhost shows it in full.
    const stateFile = path.join(ctx.dataDir, TRAINING_SANDBOX_LEDGER_FILE);
    const onStateProblem = (message: string): void => ctx.log.warn('training sandbox ledger', { problem: message });
    starting ??= startSandbox({ port: 0, clock: ctx.clock, stateFile, onStateProblem, hideCodes: true, codeDigestKey: trainingDigestKey(), ...opts.sandbox }).finally(() => {
      starting = undefined;
    });
    const sb = await starting;
    if (closed || ctx.settings().terminal.mode !== 'sandbox') {
      // Shut down, or switched to live while it was starting: it must not run on.
      if (sandbox === sb) sandbox = undefined;
      await sb.close();
      throw new PosError('CHANNEL_ERROR', closed ? 'host is shutting down' : 'the terminal left training mode');
    }
    if (sandbox !== sb) {
      sandbox = sb;
      ctx.log.info('payment sandbox started', { url: sb.url });
    }
    return sb;
  }

  async function build(): Promise<Channels> {
    if (opts.fakes) return opts.fakes;
    if (opts.channels) return make(opts.channels);
    if (ctx.settings().terminal.mode === 'sandbox') return make(sandboxChannelConfig(await sandboxNow()));
    const left = sandbox;
    sandbox = undefined;
    if (left) {
      ctx.log.info('live mode: payment sandbox stopped', { url: left.url });
      void left.close();
    }
    // Live: the stored gateways; an unusable value is refused with its reason (readLiveGateways).
    return make(toChannelsConfig(readLiveGateways(ctx.db)));
  }

  return {
    get(): Promise<Channels> {
      if (closed) return Promise.reject(new PosError('CHANNEL_ERROR', 'host is shutting down'));
      const stamp = stampNow();
      if (built?.stamp === stamp) return built.channels;
      const entry = {
        stamp,
        channels: build().catch((e: unknown) => {
          if (built === entry) built = undefined; // try again next time
          throw e;
        }),
      };
      built = entry;
      return entry.channels;
    },
    /** What the adapters are built from right now (mode, timeouts, live configuration). */
    stamp: stampNow,
    /**
     * Which gateways there are (the mode and the live configuration), not how they are tuned: what a refund
     * checks did not change while it asked for the gateways. A timeout change does not, nor (in training)
     * the live configuration.
     */
    routesStamp: (): string => (ctx.settings().terminal.mode === 'live' ? `live|${generation}` : 'sandbox'), // training never uses the live ones
    /** The live gateways changed: the next step builds the adapters again (only if something changed). */
    invalidate(changed = true): void {
      if (changed) generation++;
    },
    /** The in-process sandbox, once started (training mode). */
    sandbox: (): Sandbox | undefined => sandbox,
    async close(): Promise<void> {
      closed = true;
      await sandbox?.close();
    },
  };
}

