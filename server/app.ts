import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineRoom, defineServer, type Server } from '@colyseus/core';
import { ARENA_ROOM, BATTLE_ROOM } from '../shared/constants.ts';
import { resolveOperations } from './cluster/config.ts';
import { answerMatchmakingWhileDraining } from './cluster/drainingResponse.ts';
import { installMatchmakingGate, serverDraining } from './cluster/matchmakingGuard.ts';
import { matchmakingUnavailable } from './cluster/guardedDriver.ts';
import { createPlacement } from './cluster/placement.ts';
import { connectScaleOut, type ScaleOut } from './cluster/redis.ts';
import { mountOperationsRoutes, serviceUnavailableHandler } from './cluster/routes.ts';
import type { ServerConfig } from './config.ts';
import { mountGuestAuth } from './http/auth.ts';
import { mountRoutes } from './http/routes.ts';
import { liveRooms } from './lifecycle/roomRegistry.ts';
import { colyseusLogger } from './observability/colyseusLogger.ts';
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
  /** Redis presence, driver and health when running scale-out (REDIS_URL), else undefined. */
  scaleOut: ScaleOut | undefined;
  /**
   * Graceful drain (SIGTERM): refuse new players and rooms, tell players, let matches end on
   * their own or at the drain deadline, then stop. Resolves once every room is closed.
   */
  drain(): Promise<void>;
  /** Stop now: matches end at once (SHUTDOWN_DEADLINE, with their scores), then the server stops. */
  close(): Promise<void>;
}

const LISTEN_TIMEOUT_MS = 10_000;

/** Build and start one game server process (the embedded default: no Redis). */
export async function startGameServer(config: ServerConfig): Promise<RunningServer> {
  const ops = resolveOperations(config.operations);
  if (ops.redisUrl && !ops.publicAddress && config.port === 0) {
    throw new Error('scale-out (REDIS_URL) needs PUBLIC_ADDRESS or a fixed PORT, so other processes can send players here');
  }
  const publicAddress = ops.redisUrl
    ? ops.publicAddress ?? `${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`
    : ops.publicAddress ?? undefined;
  const scaleOut = ops.redisUrl ? await connectScaleOut(ops.redisUrl, ops.redisKeyPrefix, ops.matchmakeTimeoutMs) : undefined;
  let draining = false;
  const removeGate = installMatchmakingGate({
    timeoutMs: ops.matchmakeTimeoutMs,
    refusal: () => draining ? serverDraining() : scaleOut && !scaleOut.health.up ? matchmakingUnavailable(scaleOut.health.reason) : undefined,
  });

  // Dead connections (no pong) are terminated after this many missed pings.
  const security = createSecurity(config, { intervalMs: ops.heartbeatIntervalMs, maxMissed: ops.heartbeatMaxMissed });
  const { httpServer, transport, tokens } = security;
  instrumentTransport(transport, httpServer);

  const roomConfig = {
    patchIntervalMs: 1000 / config.patchHz,
    defaultMaxPlayers: config.defaultMaxPlayers,
    guestTokens: tokens,
    seatReservationS: config.security.seatReservationS,
    replayDir: config.replayDir,
    replayChecksumTicks: config.replayChecksumTicks,
    lifecycle: { reconnectWindowS: ops.reconnectWindowS, matchDurationS: ops.matchDurationS, drainDeadlineS: ops.drainDeadlineS },
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
    presence: scaleOut?.presence,
    driver: scaleOut?.driver,
    publicAddress,
    selectProcessIdToCreateRoom: scaleOut ? createPlacement() : undefined,
    logger: colyseusLogger,
    greet: false,
    gracefullyShutdown: false,
    express: (app) => {
      mountGuestAuth(app, tokens);
      mountObservability(app, config);
      mountOperationsRoutes(app, { health: scaleOut?.health, draining: () => draining });
      mountRoutes(app, config.clientDir);
      app.use(serviceUnavailableHandler);
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
  answerMatchmakingWhileDraining(httpServer, () => draining);
  scaleOut?.start();
  log.info({ port, host: config.host, tls: secure, publicAddress, redis: scaleOut ? 'on' : 'off' }, 'listening');

  let stopping: Promise<void> | undefined;
  const stop = (deadlineS: number | undefined): Promise<void> => {
    draining = true;
    // Reach every room directly: with Redis down, Colyseus' own shutdown waits on Redis first.
    for (const room of [...liveRooms]) room.drain(deadlineS);
    stopping ??= server.gracefullyShutdown(false).finally(async () => {
      removeGate();
      await scaleOut?.close();
    });
    return stopping;
  };
  return {
    server,
    httpServer,
    port,
    httpUrl: `${secure ? 'https' : 'http'}://${shownHost}:${port}`,
    wsUrl: `${secure ? 'wss' : 'ws'}://${shownHost}:${port}`,
    security,
    scaleOut,
    drain: () => stop(undefined),
    close: () => stop(0),
  };
}
