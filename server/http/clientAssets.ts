import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Application, NextFunction, Request, Response } from 'express';
import expressStaticGzip from 'express-static-gzip';

/** Build outputs under assets/ carry a content hash in their names (game-client/vite.config.ts). */
export const HASHED_ASSETS_DIR = 'assets';
/** A hashed file never changes under its name: browsers and proxies may keep it a year without asking. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Everything else (the page itself) is revalidated on every visit, so a new release shows at once. */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

/** Source maps (kept for reading stack traces) and the precompressed copies, asked for by name. */
const NOT_SERVED = /\.(map|br|gz)$/;

function decodablePath(req: Request): boolean {
  try {
    decodeURIComponent(req.path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The built client on `/`: each file as its precompressed brotli or gzip copy when the request's
 * Accept-Encoding allows it (brotli first; `Vary: Accept-Encoding` on every file that has copies),
 * otherwise as is. Hashed assets are cached for a year, the HTML revalidated. Only GET and HEAD of
 * files the build produced are answered; source maps are not served (they are kept in the release
 * for reading a player's stack trace), nor the compressed copies under their own names; anything
 * else falls through to the routes after this.
 */
export function serveClient(app: Application, clientDir: string): void {
  const assets = expressStaticGzip(clientDir, {
    enableBrotli: true,
    // Browsers list gzip before br at equal weight; brotli is 20 % smaller on this bundle.
    orderPreference: ['br', 'gzip'],
    index: 'index.html',
    serveStatic: {
      index: false,
      dotfiles: 'ignore',
      fallthrough: true,
      redirect: false,
      // `file` is the copy actually sent (name.br, name.gz or name).
      setHeaders: (res, file) => {
        const inAssets = path.relative(clientDir, file).split(path.sep)[0] === HASHED_ASSETS_DIR;
        res.setHeader('cache-control', inAssets ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL);
      },
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    // Malformed escapes, maps and the compressed copies by name go to the routes after this
    // (their 404), never to the library's messages.
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !decodablePath(req) || NOT_SERVED.test(req.path)) return next();
    const varyBefore = res.getHeader('vary');
    assets(req, res, next);
    // The library sets `Vary: Accept-Encoding` over the edge's `Vary: Origin` (the CORS header it
    // echoes varies by Origin): keep both. Headers are still unsent here (the file is read later).
    const varyNow = res.getHeader('vary');
    if (varyBefore !== undefined && varyNow !== varyBefore && !res.headersSent) {
      res.setHeader('vary', String(varyBefore));
      if (varyNow !== undefined) res.vary(String(varyNow));
    }
  });
}

/** Whether `clientDir` holds a built client. */
export function clientBuilt(clientDir: string): boolean {
  return existsSync(path.join(clientDir, 'index.html'));
}
