import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseStartArgs } from '../electron/paths';
import { RENDERER_DIR, runBrowserMode } from '../electron/browser-mode';
import { createLogger } from '../electron/log';

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** The Electron binary, or null where it was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD). */
function electronBinary(): string | null {
  try {
    const p = require('electron') as unknown;
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds the renderer when it is missing or older than its sources (or shared/ code it uses). */
function ensureRendererBuilt(): void {
  const index = path.join(RENDERER_DIR, 'index.html');
  const builtAt = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (builtAt > Math.max(newestMtime(path.join(root, 'renderer')), newestMtime(path.join(root, 'shared')))) return;
  console.log('Building the renderer…');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('renderer build failed');
}

function findChromium(): string | null {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (fs.existsSync(p)) return p;
  return null;
}

async function main(): Promise<void> {
  const opts = parseStartArgs(process.argv.slice(2));
  if (!opts.noBuild) ensureRendererBuilt();

  const electron = electronBinary();
  if (electron && !opts.headless && !opts.forceBrowser) {
    const { buildElectron } = await import('./build-electron');
    await buildElectron();
    const child = spawn(electron, [path.join(root, 'dist-electron', 'main.cjs'), `--data-dir=${opts.dataDir}`], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }

  const log = createLogger({ level: process.env.POS_LOG_LEVEL === 'debug' ? 'debug' : 'info' });
  const mode = await runBrowserMode({ dataDir: opts.dataDir, port: opts.port, log, initialManagerPin: process.env.POS_MANAGER_PIN });
  const reason = electron ? '' : ' (no Electron binary here: browser mode)';
  console.log(`Data folder: ${opts.dataDir}`);
  console.log(`POS ready${reason}: ${mode.server.appUrl}`);

  const display = process.env.DISPLAY ?? process.env.WAYLAND_DISPLAY;
  const chromium = findChromium();
  if (!opts.headless && display && chromium) {
    const profile = path.join(opts.dataDir, 'chromium-profile');
    spawn(chromium, [`--app=${mode.server.appUrl}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-background-networking', '--disable-component-update'], {
      stdio: 'ignore',
      detached: true,
    }).unref();
  } else if (!opts.headless) {
    console.log('Open the URL above in a browser (no display or Chromium found to open it for you).');
  }

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // A shutdown that hangs (a device or connection that never lets go) must not keep the machine from
    // stopping: every commit is already durable, and the next start checks whatever was left unfinished.
    setTimeout(() => {
      console.error(`Shutdown did not finish within ${SHUTDOWN_GRACE_MS / 1000} s: exiting anyway (the next start checks unfinished payments)`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    void mode.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`Cannot start the POS: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
