import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineRoom, defineServer, type Server } from '@colyseus/core';
import { ARENA_ROOM, BATTLE_ROOM } from '../shared/constants.ts';
import type { ServerConfig } from './config.ts';
import { mountGuestAuth } from './http/auth.ts';
import { mountRoutes } from './http/routes.ts';
import { log } from './observability/log.ts';
import { withRoomMetrics } from './observability/roomMetrics.ts';
import { mountObservability } from './observability/routes.ts';
import { instrumentTransport } from './observability/transportMetrics.ts';
import { arenaRoom } from './rooms/ArenaRoom.ts';
import { createSecurity, type Security } from './security/setup.ts';

export interface RunningServer {
  server: Server;
  httpServer: http.Server;
  port: number;
  /** Base HTTP URL, e.g. http://localhost:2567 (https:// when serving TLS) */
  httpUrl: string;
  /** Base WebSocket URL for @colyseus/sdk, e.g. ws://localhost:2567 (wss:// when serving TLS) */
  wsUrl: string;
  /** The edge, the connection guards and the guest tokens of this server (server/security/). */
  security: Security;
  close(): Promise<void>;
}

const LISTEN_TIMEOUT_MS = 10_000;

/** Build and start one game server process (the embedded default: no Redis). */
export async function startGameServer(config: ServerConfig): Promise<RunningServer> {
  const security = createSecurity(config);
  const { httpServer, transport, tokens } = security;
  instrumentTransport(transport, httpServer);

  const roomConfig = {
    patchIntervalMs: 1000 / config.patchHz,
    defaultMaxPlayers: config.defaultMaxPlayers,
    guestTokens: tokens,
    seatReservationS: config.security.seatReservationS,
    reconnectWindowS: config.security.reconnectWindowS,
    maxSpectators: config.maxSpectators,
    interest: config.interest,
  };
  const server = defineServer({
    rooms: {
      [ARENA_ROOM]: defineRoom(withRoomMetrics(arenaRoom(roomConfig))).sortBy({ clients: -1 }),
      // The large-room mode: up to 200 players on a map sized for the room (docs/INTEREST.md).
      [BATTLE_ROOM]: defineRoom(withRoomMetrics(arenaRoom({ ...roomConfig, kind: 'battle' }))).sortBy({ clients: -1 }),
    },
    transport,
    greet: false,
    gracefullyShutdown: false,
    express: (app) => {
      mountGuestAuth(app, tokens);
      mountObservability(app, config);
      mountRoutes(app, config.clientDir);
    },
  });

  // Colyseus' listen() never settles when the port is taken: race it against the socket's error.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listen on ${config.host}:${config.port} timed out`)), LISTEN_TIMEOUT_MS);
    const onError = (err: Error) => { clearTimeout(timer); reject(err); };
    httpServer.once('error', onError);
    server.listen(config.port, config.host).then(() => {
      clearTimeout(timer);
      httpServer.off('error', onError);
      resolve();
    }, onError);
  });

  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' || config.host === '127.0.0.1' ? 'localhost' : config.host;
  const secure = config.tls !== null;
  log.info({ port, host: config.host, tls: secure }, 'listening');
  return {
    server,
    httpServer,
    port,
    httpUrl: `${secure ? 'https' : 'http'}://${shownHost}:${port}`,
    wsUrl: `${secure ? 'wss' : 'ws'}://${shownHost}:${port}`,
    security,
    close: () => server.gracefullyShutdown(false),
  };
}
