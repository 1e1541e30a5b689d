import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineRoom, defineServer, type Server } from '@colyseus/core';
import { ARENA_GAME } from '../shared/games/arena/definition.ts';
import { GAMES, gameListings } from '../shared/games/catalog.ts';
import { ARENA_ROOM, BATTLE_ROOM } from '../shared/limits.ts';
import { resolveOperations } from './cluster/config.ts';
import { answerMatchmakingWhileDraining } from './cluster/drainingResponse.ts';
import { installMatchmakingGate, serverDraining } from './cluster/matchmakingGuard.ts';
import { matchmakingUnavailable } from './cluster/guardedDriver.ts';
import { createPlacement } from './cluster/placement.ts';
import type { ScaleOut } from './cluster/redis.ts';
import { mountOperationsRoutes } from './cluster/routes.ts';
import type { ServerConfig } from './config.ts';
import { mountGuestAuth } from './security/guestAuthRoute.ts';
import { mountPlayerApi } from './api/playerApi.ts';
import { mountAdminApi } from './api/adminApi.ts';
import { mountQuickPlayApi } from './api/quickPlayApi.ts';
import { profileJoinCheck } from './store/profiles/joinCheck.ts';
import { openStore, type Store } from './store/store.ts';
import { mountErrorHandling } from './http/errors.ts';
import { mountRoutes } from './http/routes.ts';
import { mountSecurityHeaders, socketSources } from './http/securityHeaders.ts';
import { liveRooms } from './lifecycle/roomRegistry.ts';
import { colyseusLogger } from './observability/colyseusLogger.ts';
import { log } from './observability/log.ts';
import { watchDraining, watchRedis } from './observability/metrics.ts';
import { withRoomMetrics } from './observability/roomMetrics.ts';
import { mountObservability } from './dashboard/routes.ts';
import { instrumentTransport } from './observability/transportMetrics.ts';
import { arenaRoom } from './rooms/ArenaRoom.ts';
import { gameRoom } from './rooms/GameRoom.ts';
import { InputMessage } from './rooms/inputSchema.ts';
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
  /** Profiles, match records, ratings (server/store/), unless the configuration turned them off. */
  store: Store | undefined;
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
  // The schema is brought up to date before anything else: a database that cannot be reached or
  // migrated stops the start here, with its reason.
  if (config.adminToken && !config.store) throw new Error('ADMIN_TOKEN needs the store (bans, audit): unset STORE=off');
  const store = config.store ? await openStore(config.store) : undefined;
  // The Redis clients (ioredis, Colyseus' driver and presence: 7–10 MB resident) load only for a
  // cluster; the default single process never needs them.
  const scaleOut = ops.redisUrl ? await (await import('./cluster/redis.ts')).connectScaleOut(ops.redisUrl, ops.redisKeyPrefix, ops.matchmakeTimeoutMs) : undefined;
  let draining = false;
  watchDraining(() => draining);
  if (scaleOut) watchRedis(() => scaleOut.health.up);
  const removeGate = installMatchmakingGate({
    timeoutMs: ops.matchmakeTimeoutMs,
    refusal: () => draining ? serverDraining() : scaleOut && !scaleOut.health.up ? matchmakingUnavailable(scaleOut.health.reason) : undefined,
  });

  // Dead connections (no pong) are terminated after this many missed pings.
  const security = createSecurity(config, { intervalMs: ops.heartbeatIntervalMs, maxMissed: ops.heartbeatMaxMissed }, InputMessage);
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
    patchSlices: config.patchSlices,
    rateLimitExempt: security.guesses.exempt,
    results: store ? { sink: store, checkpointIntervalS: store.config.checkpointIntervalS } : undefined,
    profileCheck: store ? profileJoinCheck(store.profiles) : undefined,
  };
  const games = config.games ?? GAMES;
  const rooms: Record<string, ReturnType<typeof defineRoom<any>>> = {};
  for (const game of games) {
    if (game.id === ARENA_GAME.id) {
      rooms[ARENA_ROOM] = defineRoom(withRoomMetrics(arenaRoom(roomConfig))).sortBy({ clients: -1 });
      // The large-room mode: up to 200 players on a map sized for the room (docs/INTEREST.md).
      rooms[BATTLE_ROOM] = defineRoom(withRoomMetrics(arenaRoom({ ...roomConfig, kind: 'battle' }))).sortBy({ clients: -1 });
    } else {
      // Any other game: the generic room, with the game's own interest if it declares one (server/rooms/GameRoom.ts).
      rooms[game.rooms[0]!.name] = defineRoom(withRoomMetrics(gameRoom(game, roomConfig))).sortBy({ clients: -1 });
    }
  }
  const server = defineServer({
    rooms,
    transport,
    presence: scaleOut?.presence,
    driver: scaleOut?.driver,
    publicAddress,
    selectProcessIdToCreateRoom: scaleOut ? createPlacement(ops.roomPlacement) : undefined,
    logger: colyseusLogger,
    greet: false,
    gracefullyShutdown: false,
    express: (app) => {
      mountSecurityHeaders(app, () => socketSources(security.origins.list(), publicAddress));
      mountGuestAuth(app, tokens, store ? { store, secure: (req) => config.tls !== null || req.secure } : undefined);
      if (store) mountPlayerApi(app, store, games.map((g) => g.id) as [string, ...string[]]);
      // Quick play by rating (docs/RESULTS.md): the guest token's profile claim names the player.
      if (store) mountQuickPlayApi(app, tokens, store);
      if (store && config.adminToken) mountAdminApi(app, config.adminToken, store, security.guesses);
      mountObservability(app, config, security.guesses);
      mountOperationsRoutes(app, { health: scaleOut?.health, draining: () => draining, guesses: security.guesses });
      mountRoutes(app, config.clientDir, gameListings(config.defaultMaxPlayers, games));
      // Last: unknown paths, wrong methods and every error, as JSON (server/http/errors.ts).
      mountErrorHandling(app);
    },
  });

  // Colyseus' listen() never settles when the port is taken: race it against the socket's error.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listen on ${config.host}:${config.port} timed out`)), LISTEN_TIMEOUT_MS);
    const onError = (err: Error) => { clearTimeout(timer); reject(err); };
    httpServer.once('error', onError);
    httpServer.once('error', () => void store?.close(0).catch(() => undefined));
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
  // Matches this process left running before a restart, and any other process' lost ones: interrupted.
  await store?.startRecovery(publicAddress ?? `${config.host}:${port}`);
  log.info({ port, host: config.host, tls: secure, publicAddress, redis: scaleOut ? 'on' : 'off' }, 'listening');

  let stopping: Promise<void> | undefined;
  const stop = (deadlineS: number | undefined): Promise<void> => {
    draining = true;
    // Reach every room directly: with Redis down, Colyseus' own shutdown waits on Redis first.
    for (const room of [...liveRooms]) room.drain(deadlineS);
    stopping ??= server.gracefullyShutdown(false).finally(async () => {
      removeGate();
      await scaleOut?.close();
      // After the rooms: their final records are queued by now, and are written before it closes.
      await store?.close();
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
    store,
    drain: () => stop(undefined),
    close: () => stop(0),
  };
}
