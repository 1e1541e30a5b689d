import { STATUS_CODES, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { matchMaker } from '@colyseus/core';
import { JOIN_REJECTIONS } from '../../shared/closeCodes.ts';
import { QUICK_PLAY_PATH } from '../../shared/messages.ts';
import { sendError } from '../http/errors.ts';
import { AddressList, plainAddress, type ProxyTrust } from './clientAddress.ts';
import { bearerToken, type GuestTokens, type TokenRejection } from './guestTokens.ts';
import { MAX_HTTP_BODY_BYTES, MAX_TRACKED_ADDRESSES, tcpSocketsPerPeer, type SecurityConfig } from './limits.ts';
import type { OriginPolicy } from './origins.ts';
import { recordRejection, type RejectionReason } from './rejections.ts';
import { readJsonBody } from './requestBody.ts';
import { holdUpgradeAttempt, type SecretGuesses } from './secretGuesses.ts';
import { KeyedBuckets, perMinute, retryAfterSeconds } from './tokenBucket.ts';

/** The guest-session endpoint (server/security/guestAuthRoute.ts). */
export const GUEST_AUTH_PATH = '/auth/guest';
const MATCHMAKE_PREFIX = '/matchmake/';
/** What Colyseus' matchmaking route serves: `/matchmake/{method}/{room name or id}`. */
const MATCHMAKE_ROUTE = /^\/matchmake\/[A-Za-z]+\/[A-Za-z0-9_-]+$/;
/** Colyseus' built-in health route (ours is /healthz). */
const COLYSEUS_HEALTH_PATH = '/__healthcheck';
/** Query parameters that would carry a credential in a URL (`_authToken` is the SDK's). */
const TOKEN_PARAMS = ['_authtoken', 'token', 'access_token', 'authorization', 'auth'];
/** Guest-token refusals that mean "not signed by us": guesses. Expired or misaddressed tokens were real. */
const FORGED_TOKEN: ReadonlySet<TokenRejection> = new Set(['malformed', 'bad_signature', 'alg_not_allowed']);

export interface EdgeDeps {
  security: SecurityConfig;
  proxies: ProxyTrust;
  origins: OriginPolicy;
  tokens: GuestTokens;
  /** Guessing budgets of room codes, reconnection and guest tokens (shared with the routes). */
  guesses: SecretGuesses;
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
 * matchmaking and guest tokens, the guest token on every matchmaking request, the guessing budgets
 * of room codes and reconnection tokens, and the matchmaking body (read and checked here, so
 * Colyseus never reads a request stream itself). Installed by
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
    this.exempt = deps.guesses.exempt;
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

  /**
   * Raw TCP: at most `tcpSocketsPerPeer` sockets per peer (our own proxies excepted), which is
   * above the WebSocket limit so that limit's 429 is what a client over it sees.
   */
  private admitSocket(socket: Socket): boolean {
    const peer = plainAddress(socket.remoteAddress ?? '') || 'unknown';
    if (this.deps.proxies.trusts(peer) || this.exempt.has(peer)) return true;
    if ((this.socketsPerPeer.get(peer) ?? 0) >= tcpSocketsPerPeer(this.deps.security)) {
      recordRejection('tcp', 'too_many_connections', { ip: peer });
      socket.destroy();
      return false;
    }
    counter(this.socketsPerPeer, peer, 1);
    socket.once('close', () => counter(this.socketsPerPeer, peer, -1));
    return true;
  }

  /** One token of the address' matchmaking budget, or the 429 with the true wait. */
  private chargeJoin(res: ServerResponse, ip: string): boolean {
    const now = performance.now();
    const bucket = this.joinBuckets.bucket(ip, now);
    if (this.exempt.has(ip) || bucket.take(now) === 'ok') return true;
    return this.refuse(res, 429, 'http', 'rate_limited', ip, JOIN_REJECTIONS.RATE_LIMITED, { 'retry-after': retryAfterSeconds(bucket.waitMs(now)) });
  }

  private admitRequest(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    const ip = this.deps.proxies.normalize(req);
    this.setCommonHeaders(req, res);
    const url = splitUrl(req.url);
    if (url === undefined) return this.refuse(res, 400, 'http', 'bad_request', ip);

    const isMatchmake = url.path.startsWith(MATCHMAKE_PREFIX);
    const isGuestAuth = url.path === GUEST_AUTH_PATH;
    if (req.method === 'OPTIONS') return this.preflight(req, res, ip);
    // Colyseus' own router answers its near misses (a trailing slash, an extra segment) with a bare
    // 404 of its own: only its exact routes reach it, the rest get ours.
    if ((isMatchmake && !MATCHMAKE_ROUTE.test(url.path)) || (url.path.startsWith(COLYSEUS_HEALTH_PATH) && url.path !== COLYSEUS_HEALTH_PATH)) {
      return this.refuse(res, 404, 'http', 'bad_request', ip, 'not_found');
    }
    // A quick play's choice of room is the first half of its join: it spends the same budget.
    if (url.path === QUICK_PLAY_PATH) return this.chargeJoin(res, ip);
    if (!isMatchmake && !isGuestAuth) return true;

    if (req.method !== 'POST') return this.refuse(res, 405, 'http', 'bad_request', ip, 'method_not_allowed', { allow: 'POST, OPTIONS' });
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

    const now = performance.now();
    const bucket = (isGuestAuth ? this.tokenBuckets : this.joinBuckets).bucket(ip, now);
    if (!this.exempt.has(ip) && bucket.take(now) !== 'ok') {
      return this.refuse(res, 429, 'http', 'rate_limited', ip, JOIN_REJECTIONS.RATE_LIMITED, { 'retry-after': retryAfterSeconds(bucket.waitMs(now)) });
    }
    if (isGuestAuth) return true;
    return this.admitMatchmaking(req, res, ip, url.path.slice(MATCHMAKE_PREFIX.length));
  }

  /**
   * A matchmaking request past the shape and rate checks: its guest token (every call needs one,
   * `reconnect` included, which never reaches onAuth), its body, and the guessing budget of the
   * room code (`joinById`) or reconnection token (`reconnect`) it presents. Settled once the
   * response is out: a 404 is a failed guess.
   */
  private async admitMatchmaking(req: IncomingMessage, res: ServerResponse, ip: string, route: string): Promise<boolean> {
    const token = bearerToken(req.headers.authorization);
    let check: Awaited<ReturnType<GuestTokens['verify']>>;
    if (token === undefined) {
      check = await this.deps.tokens.verify(undefined);
    } else {
      const attempt = this.deps.guesses.attempt('guest_token', ip, 'auth');
      if (!attempt.ok) return this.refuse(res, 429, 'auth', 'too_many_guesses', ip, 'too_many_guesses', { 'retry-after': retryAfterSeconds(attempt.retryAfterMs) });
      check = await this.deps.tokens.verify(token);
      attempt.settle(check.ok || !FORGED_TOKEN.has(check.reason));
    }
    if (!check.ok) return this.refuse(res, 401, 'auth', `token_${check.reason}` as RejectionReason, ip, `${JOIN_REJECTIONS.AUTH_FAILED}: ${check.reason}`);

    const body = await readJsonBody(req, MAX_HTTP_BODY_BYTES);
    if (!body.ok) return this.refuse(res, body.status, 'http', body.reason, ip);
    // Colyseus' router takes a parsed `req.body` as it is (and as JSON) instead of reading the stream.
    (req as IncomingMessage & { body?: unknown }).body = body.value;
    req.headers['content-type'] = 'application/json';

    const method = route.slice(0, Math.max(0, route.indexOf('/')));
    const secret = method === 'joinById' ? 'room_code' : method === 'reconnect' ? 'reconnection_token' : undefined;
    if (secret !== undefined) {
      const attempt = this.deps.guesses.attempt(secret, ip, 'http');
      if (!attempt.ok) return this.refuse(res, 429, 'http', 'too_many_guesses', ip, 'too_many_guesses', { 'retry-after': retryAfterSeconds(attempt.retryAfterMs) });
      res.once('finish', () => attempt.settle(res.statusCode !== 404));
      res.once('close', () => attempt.settle(res.statusCode !== 404));
    }
    // The client may have hung up while we waited: nobody to answer (and Colyseus' router must
    // never get a request whose stream is already destroyed; docs/UPSTREAM.md).
    return !(res.destroyed || req.socket.destroyed);
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

  /** Answer in the fixed error shape (with `headers`, e.g. the true Retry-After) and close the connection. */
  private refuse(res: ServerResponse, status: number, stage: 'http' | 'auth', reason: RejectionReason, ip: string, message: string = reason, headers: Record<string, string> = {}): false {
    // too_many_guesses is counted where the budget refused it (secretGuesses.ts).
    if (reason !== 'too_many_guesses') recordRejection(stage, reason, { ip });
    if (!res.headersSent && !res.destroyed) sendError(res, status, message, { ...headers, connection: 'close' });
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
    // A reconnection token spent on a WebSocket: settled by the connection guard (joined or not).
    if (url.query.has('reconnectionToken')) {
      const attempt = this.deps.guesses.attempt('reconnection_token', ip, 'upgrade');
      if (!attempt.ok) return this.refuseUpgrade(socket, 429, 'too_many_guesses', ip, attempt.retryAfterMs);
      holdUpgradeAttempt(req, attempt);
      socket.once('close', () => attempt.settle(false)); // no-op once the guard settled it
    }
    counter(this.webSocketsPerClient, ip, 1);
    socket.once('close', () => counter(this.webSocketsPerClient, ip, -1));
    return true;
  }

  private refuseUpgrade(socket: Duplex, status: number, reason: RejectionReason, ip: string, waitMs?: number): false {
    if (reason !== 'too_many_guesses') recordRejection('upgrade', reason, { ip });
    if (socket.writable) {
      const body = JSON.stringify({ code: status, error: reason });
      const retry = waitMs === undefined ? '' : `Retry-After: ${retryAfterSeconds(waitMs)}\r\n`;
      socket.once('finish', () => socket.destroy());
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n${retry}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
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
