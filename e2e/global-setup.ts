import { spawnSync } from 'node:child_process';

/** Builds the renderer once for the whole browser suite (hosts start with --no-build). */
export default function globalSetup(): void {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('renderer build failed');
}
