import { build } from 'esbuild';

/**
 * Bundles the Electron main process and preload to CommonJS under dist-electron/. Native modules stay
 * external: electron-builder unpacks them from the asar (see electron-builder.yml).
 */
export async function buildElectron(): Promise<void> {
  const common = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, sourcemap: true, logLevel: 'warning' as const };
  await build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist-electron/main.cjs', external: ['electron', 'better-sqlite3', 'serialport', '@serialport/*'] });
  // The preload runs sandboxed: only `electron` is available to it, everything else must be bundled in.
  await build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist-electron/preload.cjs', external: ['electron'] });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildElectron();
}
