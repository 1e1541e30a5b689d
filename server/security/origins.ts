import { networkInterfaces } from 'node:os';
import type { SecurityConfig } from './limits.ts';

export type OriginVerdict = 'allowed' | 'missing' | 'denied';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

function hostPart(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * This server's own origins, for the `'auto'` allowlist: what a browser shows as the page origin
 * when it loads the client from this server. When listening on every interface (LAN play), each
 * local interface address is included; a DNS name someone else points at us is not (set
 * ALLOWED_ORIGINS for that), which is also what defeats DNS rebinding.
 */
export function ownOrigins(listenHost: string, port: number, secure: boolean): string[] {
  const scheme = secure ? 'https' : 'http';
  const defaultPort = secure ? 443 : 80;
  const hosts = new Set(['localhost', '127.0.0.1', '::1']);
  if (WILDCARD_HOSTS.has(listenHost)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const iface of list ?? []) hosts.add(iface.address.split('%')[0]!);
    }
  } else {
    hosts.add(listenHost);
  }
  return [...hosts].map((h) => `${scheme}://${hostPart(h)}${port === defaultPort ? '' : `:${port}`}`);
}

/**
 * Exact-match Origin allowlist. Browsers do not apply the same-origin policy to WebSockets, so
 * without this any web page could open a socket to the game as its visitor; matchmaking gets the
 * same check. No wildcards, no suffix matching: `https://game.example` does not admit
 * `https://evil-game.example` or `https://game.example.evil`.
 */
export class OriginPolicy {
  private allowed: Set<string> | undefined;

  constructor(private readonly config: Pick<SecurityConfig, 'allowedOrigins' | 'requireOrigin'>, private readonly resolveAuto: () => string[]) {}

  check(origin: string | string[] | undefined): OriginVerdict {
    if (Array.isArray(origin)) return 'denied';
    if (origin === undefined || origin === '') return this.config.requireOrigin ? 'denied' : 'missing';
    // An opaque origin (sandboxed iframe, file://) is sent as the string "null": never ours.
    return this.list().has(origin) ? 'allowed' : 'denied';
  }

  isAllowed(origin: string | undefined): origin is string {
    return origin !== undefined && this.list().has(origin);
  }

  /** The effective list (resolved lazily: `'auto'` needs the port we actually listen on). */
  list(): Set<string> {
    this.allowed ??= new Set(this.config.allowedOrigins === 'auto' ? this.resolveAuto() : this.config.allowedOrigins);
    return this.allowed;
  }
}
