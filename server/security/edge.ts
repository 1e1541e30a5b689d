import { STATUS_CODES, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { matchMaker } from '@colyseus/core';
import { JOIN_REJECTIONS } from '../../shared/closeCodes.ts';
import { AddressList, plainAddress, type ProxyTrust } from './clientAddress.ts';
import { bearerToken, type GuestTokens } from './guestTokens.ts';
import { MAX_HTTP_BODY_BYTES, MAX_TRACKED_ADDRESSES, type SecurityConfig } from './limits.ts';
import type { OriginPolicy } from './origins.ts';
import { recordRejection, type RejectionReason } from './rejections.ts';
import { KeyedBuckets, perMinute } from './tokenBucket.ts';

/** The guest-session endpoint (server/http/auth.ts). */
export const GUEST_AUTH_PATH = '/auth/guest';
const MATCHMAKE_PREFIX = '/matchmake/';
/** Query parameters that would carry a credential in a URL (`_authToken` is the SDK's). */
const TOKEN_PARAMS = ['_authtoken', 'token', 'access_token', 'authorization', 'auth'];

export interface EdgeDeps {
  security: SecurityConfig;
  proxies: ProxyTrust;
  origins: OriginPolicy;
  tokens: GuestTokens;
  /** True when this server terminates TLS itself (adds HSTS). */
  secure: boolean;
}

export interface EdgeStats {
  /** Peer addresses with open TCP sockets. */
  socketPeers: number;
  /** Client addresses with open WebSockets. */
  webSocketClients: number;
  /** Addresses with a matchmaking or guest-token rate bucket in use. */
  rateBuckets: number;
}

function counter(map: Map<string, number>, key: string, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}

function splitUrl(raw: string | undefined): { path: string; query: URLSearchParams } | undefined {
  if (raw === undefined || !raw.startsWith('/')) return undefined;
  const q = raw.indexOf('?');
  return { path: q < 0 ? raw : raw.slice(0, q), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

function carriesToken(query: URLSearchParams): boolean {
  for (const key of query.keys()) if (TOKEN_PARAMS.includes(key.toLowerCase())) return true;
  return false;
}

/**
 * Everything that happens before Colyseus sees a connection: per-address socket caps, the
 * X-Forwarded-For rewrite, the Origin allowlist and CORS, request size, per-address rate limits on
 * matchmaking and guest tokens, and the guest token on every matchmaking request. Installed by
 * wrapping the server's `emit`, so a refused socket, request or upgrade never reaches any
 * listener, whatever order they were added in (Colyseus adds its own when it starts listening).
 */
export class Edge {
  private readonly socketsPerPeer = new Map<string, number>();
  private readonly webSocketsPerClient = new Map<string, number>();
  private readonly joinBuckets: KeyedBuckets;
  private readonly tokenBuckets: KeyedBuckets;
  /** Load generators the operator named: no per-address caps or rates for them. */
  private readonly exempt: AddressList;

  constructor(private readonly deps: EdgeDeps) {
    this.exempt = new AddressList(deps.security.rateLimitExemptIps, 'RATE_LIMIT_EXEMPT_IPS');
    this.joinBuckets = new KeyedBuckets(perMinute(deps.security.joinsPerIpPerMinute), MAX_TRACKED_ADDRESSES);
    this.tokenBuckets = new KeyedBuckets(perMinute(deps.security.guestTokensPerIpPerMinute), MAX_TRACKED_ADDRESSES);
  }

  /** Put this edge in front of every listener of `server`. */
  install(server: HttpServer): void {
    disableColyseusCors();
    const emit = server.emit as (this: HttpServer, event: string | symbol, ...args: unknown[]) => boolean;
    server.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      try {
        if (event === 'connection') {
          if (!this.admitSocket(args[0] as Socket)) return true;
        } else if (event === 'request') {
          const verdict = this.admitRequest(args[0] as IncomingMessage, args[1] as ServerResponse);
          if (verdict instanceof Promise) {
            verdict.then((ok) => { if (ok) emit.call(server, event, ...args); }, () => (args[1] as ServerResponse).destroy());
            return true;
          }
          if (!verdict) return true;
        } else if (event === 'upgrade') {
          if (!this.admitUpgrade(args[0] as IncomingMessage, args[1] as Duplex)) return true;
        }
      } catch (err) {
        // A bug here must cost one connection, never the process.
        recordRejection('http', 'bad_request', { detail: (err as Error)?.message });
        (args[1] as ServerResponse | Duplex | undefined)?.destroy?.();
        if (event === 'connection') (args[0] as Socket).destroy();
        return true;
      }
      return emit.call(server, event, ...args);
    }) as typeof server.emit;
  }

  stats(): EdgeStats {
    const now = performance.now();
    this.joinBuckets.sweep(now, true);
    this.tokenBuckets.sweep(now, true);
    return {
      socketPeers: this.socketsPerPeer.size,
      webSocketClients: this.webSocketsPerClient.size,
      rateBuckets: this.joinBuckets.size + this.tokenBuckets.size,
    };
  }

  /** Raw TCP: at most `maxConnectionsPerIp` sockets per peer (our own proxies excepted). */
  private admitSocket(socket: Socket): boolean {
    const peer = plainAddress(socket.remoteAddress ?? '') || 'unknown';
    if (this.deps.proxies.trusts(peer) || this.exempt.has(peer)) return true;
    if ((this.socketsPerPeer.get(peer) ?? 0) >= this.deps.security.maxConnectionsPerIp) {
      recordRejection('tcp', 'too_many_connections', { ip: peer });
      socket.destroy();
      return false;
    }
    counter(this.socketsPerPeer, peer, 1);
    socket.once('close', () => counter(this.socketsPerPeer, peer, -1));
    return true;
  }

  private admitRequest(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    const ip = this.deps.proxies.normalize(req);
    this.setCommonHeaders(req, res);
    const url = splitUrl(req.url);
    if (url === undefined) return this.refuse(res, 400, 'http', 'bad_request', ip);

    const isMatchmake = url.path.startsWith(MATCHMAKE_PREFIX);
    const isGuestAuth = url.path === GUEST_AUTH_PATH;
    if (req.method === 'OPTIONS') return this.preflight(req, res, ip);
    if (!isMatchmake && !isGuestAuth) return true;

    if (req.method !== 'POST') return this.refuse(res, 405, 'http', 'bad_request', ip);
    const origin = this.deps.origins.check(req.headers.origin);
    if (origin === 'denied') {
      const reason = req.headers.origin === undefined ? 'origin_missing' : 'origin_not_allowed';
      return this.refuse(res, 403, 'http', reason, ip, JOIN_REJECTIONS.ORIGIN_NOT_ALLOWED);
    }
    if (carriesToken(url.query)) return this.refuse(res, 400, 'http', 'token_in_url', ip);
    const length = req.headers['content-length'];
    if (length === undefined) {
      if (req.headers['transfer-encoding'] !== undefined) return this.refuse(res, 411, 'http', 'length_required', ip);
    } else if (!/^\d{1,9}$/.test(length) || Number(length) > MAX_HTTP_BODY_BYTES) {
      return this.refuse(res, 413, 'http', 'body_too_large', ip);
    }

    const buckets = isGuestAuth ? this.tokenBuckets : this.joinBuckets;
    if (!this.exempt.has(ip) && buckets.take(ip, performance.now()) !== 'ok') {
      res.setHeader('retry-after', '2');
      return this.refuse(res, 429, 'http', 'rate_limited', ip, JOIN_REJECTIONS.RATE_LIMITED);
    }
    if (isGuestAuth) return true;

    // Every matchmaking call (reconnect included, which never reaches onAuth) needs a guest token.
    return this.deps.tokens.verify(bearerToken(req.headers.authorization)).then((check) => {
      if (check.ok) return true;
      return this.refuse(res, 401, 'auth', `token_${check.reason}` as RejectionReason, ip, `${JOIN_REJECTIONS.AUTH_FAILED}: ${check.reason}`);
    });
  }

  /** CORS preflight: answered here for allowed origins only; nothing is reflected otherwise. */
  private preflight(req: IncomingMessage, res: ServerResponse, ip: string): false {
    if (!this.deps.origins.isAllowed(req.headers.origin)) {
      this.refuse(res, 403, 'http', 'origin_not_allowed', ip, JOIN_REJECTIONS.ORIGIN_NOT_ALLOWED);
      return false;
    }
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'authorization, content-type, accept',
      'access-control-max-age': '600',
    });
    res.end();
    return false;
  }

  private setCommonHeaders(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('vary', 'Origin');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    if (this.deps.secure) res.setHeader('strict-transport-security', 'max-age=15552000');
    // Exact origin echoed for allowed origins only; never Allow-Credentials (the game uses a
    // bearer token, not cookies, so no cross-origin request needs ambient credentials).
    const origin = req.headers.origin;
    if (this.deps.origins.isAllowed(origin)) res.setHeader('access-control-allow-origin', origin);
  }

  private refuse(res: ServerResponse, status: number, stage: 'http' | 'auth', reason: RejectionReason, ip: string, message: string = reason): false {
    recordRejection(stage, reason, { ip });
    if (!res.headersSent) {
      const body = JSON.stringify({ code: status, error: message });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', connection: 'close' });
      res.end(body);
    }
    return false;
  }

  /** WebSocket upgrade: Origin allowlist, no credential in the URL, open sockets per client. */
  private admitUpgrade(req: IncomingMessage, socket: Duplex): boolean {
    const ip = this.deps.proxies.normalize(req);
    const url = splitUrl(req.url);
    if (url === undefined) return this.refuseUpgrade(socket, 400, 'bad_request', ip);
    if (this.deps.origins.check(req.headers.origin) === 'denied') {
      return this.refuseUpgrade(socket, 403, req.headers.origin === undefined ? 'origin_missing' : 'origin_not_allowed', ip);
    }
    if (carriesToken(url.query)) return this.refuseUpgrade(socket, 400, 'token_in_url', ip);
    if (!this.exempt.has(ip) && (this.webSocketsPerClient.get(ip) ?? 0) >= this.deps.security.maxConnectionsPerIp) {
      return this.refuseUpgrade(socket, 429, 'too_many_connections', ip);
    }
    counter(this.webSocketsPerClient, ip, 1);
    socket.once('close', () => counter(this.webSocketsPerClient, ip, -1));
    return true;
  }

  private refuseUpgrade(socket: Duplex, status: number, reason: RejectionReason, ip: string): false {
    recordRejection('upgrade', reason, { ip });
    if (socket.writable) {
      socket.once('finish', () => socket.destroy());
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
    } else {
      socket.destroy();
    }
    return false;
  }
}

/**
 * Colyseus' matchmaking CORS answers every Origin with itself plus Allow-Credentials. The edge
 * sets CORS headers instead (allowed origins only), so Colyseus' own are emptied. The controller
 * is process-wide; emptying it twice is harmless.
 */
function disableColyseusCors(): void {
  const controller = matchMaker.controller as { DEFAULT_CORS_HEADERS: Record<string, string>; getCorsHeaders: (h: Headers) => Record<string, string> };
  controller.DEFAULT_CORS_HEADERS = {};
  controller.getCorsHeaders = () => ({});
}
