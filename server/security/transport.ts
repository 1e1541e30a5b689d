import type { Server as HttpServer } from 'node:http';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { MAX_MESSAGE_BYTES } from '../../shared/limits.ts';
import { keepJoinedClientsFast } from '../adapters/colyseusClient.ts';
import { ConnectionGuards, type GuardOptions } from './connectionGuard.ts';
import { MAX_BUFFERED_CHUNKS, MAX_FRAGMENTS_PER_MESSAGE, WS_CLOSE_TIMEOUT_MS } from './limits.ts';

export interface GuardedTransportOptions {
  server: HttpServer;
  /** WebSocket ping interval (0: no heartbeat) and pongs a peer may miss before it is terminated. */
  heartbeatIntervalMs: number;
  heartbeatMaxMissed: number;
  guard: GuardOptions;
}

/**
 * Colyseus' WebSocket transport with the frame limits set low and a `ConnectionGuard` on every
 * socket: small messages, at most a few fragments per message, no per-message compression (a
 * compression bomb and its CPU are not worth a few bytes of input), a short close handshake, and
 * Colyseus' ping/pong heartbeat.
 */
export class GuardedWebSocketTransport extends WebSocketTransport {
  readonly guards: ConnectionGuards;

  constructor(options: GuardedTransportOptions) {
    // `closeTimeout` is a ws server option its type definitions do not list yet.
    super({
      server: options.server,
      maxPayload: MAX_MESSAGE_BYTES,
      maxFragments: MAX_FRAGMENTS_PER_MESSAGE,
      maxBufferedChunks: MAX_BUFFERED_CHUNKS,
      perMessageDeflate: false,
      closeTimeout: WS_CLOSE_TIMEOUT_MS,
      pingInterval: options.heartbeatIntervalMs,
      pingMaxRetries: options.heartbeatMaxMissed,
    } as ConstructorParameters<typeof WebSocketTransport>[0]);
    this.guards = new ConnectionGuards(options.guard);
    // Joined clients keep V8's fast property layout (Colyseus' join would turn each into a dictionary).
    keepJoinedClientsFast();
    // Before Colyseus' own handler, so even its pre-join "ping utility" sockets are guarded.
    this.wss.prependListener('connection', (ws, req) => this.guards.attach(ws, req));
  }

  override shutdown(): void {
    this.guards.stop();
    super.shutdown();
  }
}
