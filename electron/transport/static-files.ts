import fs from 'node:fs';
import path from 'node:path';
import { type IncomingMessage, type ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** The same CSP as the Electron window: scripts only from the app itself, API only to this host. */
export const contentSecurityPolicy = (wsOrigin: string): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');

/** Serves the built renderer; unknown paths get index.html (client routing); no path escapes `root`. */
export function serveStatic(root: string, csp: () => string) {
  const rootAbs = path.resolve(root);
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    let file = path.resolve(rootAbs, `.${pathname}`);
    if (!file.startsWith(rootAbs + path.sep) && file !== rootAbs) {
      res.writeHead(403).end('forbidden');
      return;
    }
    // Only regular files are served (a socket or FIFO would fail or block on open); anything else is a route.
    if (!isRegularFile(file)) file = path.join(rootAbs, 'index.html');
    if (!isRegularFile(file)) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The renderer is not built yet: run `npm run build` (npm start does it for you).');
      return;
    }
    // Opened before the answer starts: a file gone or unreadable since (a rebuild running) is a 503, not a
    // stream error nobody listens to, which would take the host down.
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The renderer files are being replaced: reload in a moment.');
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': csp(),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
      'Permissions-Policy': 'camera=(self), microphone=(), geolocation=()',
    };
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      fs.closeSync(fd);
      res.end();
      return;
    }
    const stream = fs.createReadStream('', { fd });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
}

function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
