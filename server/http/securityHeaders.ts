import type { Application } from 'express';
import helmet from 'helmet';

/**
 * Where the page may open WebSockets, as CSP sources: the WebSocket twin of every origin the
 * server accepts (`https://a` -> `wss://a`, `http://a:1` -> `ws://a:1`) and of this process'
 * PUBLIC_ADDRESS (`host[:port][/path]`, either scheme). In a cluster a page is sent to other
 * processes' PUBLIC_ADDRESS: same-origin behind one proxy (layout 1, covered by 'self'), or
 * names of their own (layout 2), which belong in ALLOWED_ORIGINS anyway since each serves the page.
 */
export function socketSources(allowedOrigins: Iterable<string>, publicAddress: string | undefined): string[] {
  const sources = new Set<string>();
  for (const origin of allowedOrigins) {
    if (origin.startsWith('https://')) sources.add(`wss://${origin.slice('https://'.length)}`);
    else if (origin.startsWith('http://')) sources.add(`ws://${origin.slice('http://'.length)}`);
  }
  if (publicAddress) {
    const hostPort = publicAddress.split('/')[0]!;
    sources.add(`wss://${hostPort}`).add(`ws://${hostPort}`);
  }
  // CSP host sources cannot name an IPv6 literal ([::1]); a page served from one reaches it as 'self'.
  return [...sources].filter((s) => !s.includes('['));
}

/**
 * Security headers on every Express response, by helmet: a Content-Security-Policy for the game
 * page (scripts, styles and everything else from this origin only; WebSockets to the allowed
 * origins; images also from data: and blob:, which Phaser uses for its built-in textures), no
 * framing, nosniff, no referrer, a window of its own (Cross-Origin-Opener-Policy), resources not
 * embeddable by other sites (Cross-Origin-Resource-Policy). The dashboard's pages replace the CSP
 * with a stricter one (server/dashboard/routes.ts).
 *
 * Left to others: HSTS, which the edge sends when this process serves TLS itself
 * (server/security/edge.ts) and the TLS proxy sends otherwise (tools/deploy/nginx); and
 * `upgrade-insecure-requests`, never: it would send a LAN player's plain-HTTP page to an https://
 * that is not there. `connectSources` is read at the first response: the `auto` origin list needs
 * the listening port.
 */
export function mountSecurityHeaders(app: Application, connectSources: () => string[]): void {
  let connectSrc: string | undefined;
  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", () => (connectSrc ??= connectSources().join(' '))],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // As the edge's own headers (server/security/edge.ts), which helmet would otherwise weaken.
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: false,
  }));
}
