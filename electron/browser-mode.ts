import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Host } from './host';
import { startBrowserServer, type BrowserServer } from './transport/browser-server';
import { type Logger, createLogger } from './log';

export const RENDERER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'renderer');

export type BrowserMode = { host: Host; server: BrowserServer; stop(): Promise<void> };

/** The host running headless with the renderer and the contract served on 127.0.0.1. */
export async function runBrowserMode(opts: { dataDir: string; port: number; log?: Logger; staticDir?: string; initialManagerPin?: string }): Promise<BrowserMode> {
  const log = opts.log ?? createLogger();
  const host = createHost({
    dataDir: opts.dataDir,
    transport: 'browser',
    logger: log,
    initialManagerPin: opts.initialManagerPin,
    onFirstRun: ({ managerName, managerId, managerPin, generated }) => {
      if (!generated) return;
      // Printed once, on first run only; it is not stored anywhere in clear text.
      process.stdout.write(
        [
          '',
          '┌──────────────────────────────────────────────────────┐',
          `│ First run: manager account "${managerName}" (${managerId})`,
          `│ Manager PIN: ${managerPin}   (shown once: write it down)`,
          '└──────────────────────────────────────────────────────┘',
          '',
        ].join('\n'),
      );
    },
  });
  let server: BrowserServer;
  try {
    server = await startBrowserServer({ host, log, staticDir: opts.staticDir ?? RENDERER_DIR, port: opts.port });
  } catch (e) {
    await host.close();
    throw e;
  }
  return {
    host,
    server,
    async stop() {
      await server.close();
      await host.close();
    },
  };
}
