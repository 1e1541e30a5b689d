import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { MAX_VIOLATIONS_PER_CLIENT } from '../../shared/constants.ts';
import { clientMessageSchemas } from '../../shared/messages.ts';
import type { ServerConfig } from '../config.ts';
import { log } from '../observability/log.ts';
import { InputMessage } from '../rooms/inputSchema.ts';
import { ProxyTrust } from './clientAddress.ts';
import { Edge } from './edge.ts';
import { inputFieldSizes } from './frames.ts';
import { GuestTokens } from './guestTokens.ts';
import { OriginPolicy, ownOrigins } from './origins.ts';
import { GuardedWebSocketTransport } from './transport.ts';

/** Largest request head (request line + headers) accepted; browsers send about 1-2 KB. */
const MAX_HEADER_BYTES = 8192;
/** Keep-alive sockets idle longer than this after a response are closed. */
const KEEP_ALIVE_TIMEOUT_MS = 5000;

export interface Security {
  /** The HTTP or HTTPS server everything listens on. */
  httpServer: http.Server;
  transport: GuardedWebSocketTransport;
  edge: Edge;
  tokens: GuestTokens;
  origins: OriginPolicy;
}

/**
 * The server's outer layers, built from its configuration: the HTTP(S) server with its timeouts,
 * the edge in front of it, the guarded WebSocket transport, and the guest-token signer.
 */
/** `heartbeat` comes from the operations settings (HEARTBEAT_INTERVAL_MS, HEARTBEAT_MAX_MISSED). */
export function createSecurity(config: ServerConfig, heartbeat: { intervalMs: number; maxMissed: number }): Security {
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
  const edge = new Edge({ security: limits, proxies, origins, tokens, secure: config.tls !== null });
  edge.install(httpServer);

  const inputSizes = inputFieldSizes(InputMessage);
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
  return { httpServer, transport, edge, tokens, origins };
}
