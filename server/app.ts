import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineRoom, defineServer, type Server } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { ARENA_ROOM, MAX_MESSAGE_BYTES } from '../shared/constants.ts';
import type { ServerConfig } from './config.ts';
import { mountRoutes } from './http/routes.ts';
import { log } from './observability/log.ts';
import { arenaRoom } from './rooms/ArenaRoom.ts';

export interface RunningServer {
  server: Server;
  httpServer: http.Server;
  port: number;
  /** Base HTTP URL, e.g. http://localhost:2567 */
  httpUrl: string;
  /** Base WebSocket URL for @colyseus/sdk, e.g. ws://localhost:2567 */
  wsUrl: string;
  close(): Promise<void>;
}

const LISTEN_TIMEOUT_MS = 10_000;

/** Build and start one game server process (the embedded default: no Redis). */
export async function startGameServer(config: ServerConfig): Promise<RunningServer> {
  const httpServer = http.createServer();
  const transport = new WebSocketTransport({
    server: httpServer,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  });

  const server = defineServer({
    rooms: {
      [ARENA_ROOM]: defineRoom(arenaRoom({
        patchIntervalMs: 1000 / config.patchHz,
        defaultMaxPlayers: config.defaultMaxPlayers,
        replayDir: config.replayDir,
        replayChecksumTicks: config.replayChecksumTicks,
      })).sortBy({ clients: -1 }),
    },
    transport,
    greet: false,
    gracefullyShutdown: false,
    express: (app) => mountRoutes(app, config.clientDir),
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
  log.info({ port, host: config.host }, 'listening');
  return {
    server,
    httpServer,
    port,
    httpUrl: `http://${shownHost}:${port}`,
    wsUrl: `ws://${shownHost}:${port}`,
    close: () => server.gracefullyShutdown(false),
  };
}
