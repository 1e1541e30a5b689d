import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { MAX_VIOLATIONS_PER_CLIENT } from '../../shared/limits.ts';
import { clientMessageSchemas } from '../../shared/messages.ts';
import { log } from '../observability/log.ts';
import { AddressList, ProxyTrust } from './clientAddress.ts';
import { Edge } from './edge.ts';
import { inputFieldSizes } from './frames.ts';
import { GuestTokens } from './guestTokens.ts';
import { OriginPolicy, ownOrigins } from './origins.ts';
import { SecretGuesses } from './secretGuesses.ts';
import type { SecurityConfig } from './limits.ts';
import { GuardedWebSocketTransport } from './transport.ts';

/** Largest request head (request line + headers) accepted; browsers send about 1-2 KB. */
const MAX_HEADER_BYTES = 8192;
/** Keep-alive sockets idle longer than this after a response are closed. */
const KEEP_ALIVE_TIMEOUT_MS = 5000;

/** Certificate and key files for serving HTTPS and WSS directly (PEM). */
export interface TlsFiles {
  certPath: string;
  keyPath: string;
}

/** The part of the server's configuration (server/config.ts) its outer layers are built from. */
export interface SecuritySetup {
  host: string;
  port: number;
  /** Serve HTTPS/WSS with these files; null: plain HTTP. */
  tls: TlsFiles | null;
  security: SecurityConfig;
}

export interface Security {
  /** The HTTP or HTTPS server everything listens on. */
  httpServer: http.Server;
  transport: GuardedWebSocketTransport;
  edge: Edge;
  tokens: GuestTokens;
  origins: OriginPolicy;
  /** Guessing budgets of every secret a client can present (the edge and the routes share them). */
  guesses: SecretGuesses;
}

/**
 * The server's outer layers, built from its configuration: the HTTP(S) server with its timeouts,
 * the edge in front of it, the guarded WebSocket transport, and the guest-token signer.
 */
/**
 * `heartbeat` comes from the operations settings (HEARTBEAT_INTERVAL_MS, HEARTBEAT_MAX_MISSED);
 * `inputSchema` is the input channel's schema (server/rooms/inputSchema.ts), whose fixed field
 * sizes let the guard check input frames strictly.
 */
export function createSecurity(config: SecuritySetup, heartbeat: { intervalMs: number; maxMissed: number }, inputSchema: unknown): Security {
  const limits = config.security;
  const serverOptions: http.ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(30_000, limits.headersTimeoutMs),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    maxHeaderSize: MAX_HEADER_BYTES,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
  };
  // https.Server has every http.Server member the transport and Colyseus use.
  const httpServer = config.tls === null
    ? http.createServer(serverOptions)
    : https.createServer({
      ...serverOptions,
      cert: readFileSync(config.tls.certPath),
      key: readFileSync(config.tls.keyPath),
      handshakeTimeout: limits.headersTimeoutMs,
      minVersion: 'TLSv1.2',
    }) as unknown as http.Server;
  // headersTimeout only starts counting at a request's first byte: this closes silent sockets.
  httpServer.timeout = limits.headersTimeoutMs;

  const tokens = new GuestTokens(limits.authSecret, limits.guestTokenTtlS);
  if (tokens.ephemeral) log.info('AUTH_SECRET is not set: guest tokens are signed with a random key and valid in this process only');
  const proxies = new ProxyTrust(limits.trustedProxies);
  const origins = new OriginPolicy(limits, () => ownOrigins(config.host, (httpServer.address() as AddressInfo | null)?.port ?? config.port, config.tls !== null));
  const guesses = new SecretGuesses(new AddressList(limits.rateLimitExemptIps, 'RATE_LIMIT_EXEMPT_IPS'));
  const edge = new Edge({ security: limits, proxies, origins, tokens, guesses, secure: config.tls !== null });
  edge.install(httpServer);

  const inputSizes = inputFieldSizes(inputSchema);
  if (inputSizes === undefined) log.warn('the input schema has variable-size fields: input frames are not checked strictly');
  const transport = new GuardedWebSocketTransport({
    server: httpServer,
    heartbeatIntervalMs: heartbeat.intervalMs,
    heartbeatMaxMissed: heartbeat.maxMissed,
    guard: {
      joinAckTimeoutMs: limits.joinAckTimeoutMs,
      maxBufferedBytes: limits.maxBufferedBytes,
      maxViolations: MAX_VIOLATIONS_PER_CLIENT,
      inputSizes,
      knownTypes: new Set(Object.keys(clientMessageSchemas)),
    },
  });
  return { httpServer, transport, edge, tokens, origins, guesses };
}
