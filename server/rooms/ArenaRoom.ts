import { Room, ServerError, type AuthContext, type Client, type RoomException } from '@colyseus/core';
import type { z } from 'zod';
import { JOIN_REJECTIONS } from '../../shared/closeCodes.ts';
import {
  DEFAULT_MAX_PLAYERS_PER_ROOM,
  INPUT_BUFFER_MAX_INPUTS,
  MAX_MESSAGES_PER_SECOND,
  PATCH_INTERVAL_MS,
  TICK_HZ,
} from '../../shared/constants.ts';
import { INPUT_RANGES, normalizeInput, type PlayerInput } from '../../shared/input.ts';
import { getMap } from '../../shared/maps.ts';
import { clientMessageSchemas, joinOptionsSchema, type ArenaMetadata, type ServerMessages } from '../../shared/messages.ts';
import { seedFromString } from '../../shared/rng.ts';
import { stepWorld } from '../../shared/sim/step.ts';
import { addPlayer, createWorld, removePlayer, type World } from '../../shared/sim/world.ts';
import { DEFAULT_MATCH_LIFECYCLE, MatchLifecycle, type MatchLifecycleOptions } from '../lifecycle/matchLifecycle.ts';
import { log } from '../observability/log.ts';
import { joinRejectionsTotal, roomErrorsTotal } from '../observability/metrics.ts';
import { ArenaState } from './ArenaState.ts';
import { InputMessage } from './inputSchema.ts';
import { allocateRoomCode } from './roomCode.ts';
import { StateSync } from './stateSync.ts';
import { ViolationTracker } from './violations.ts';

export interface ArenaRoomConfig {
  /** Interval between state patches. */
  patchIntervalMs: number;
  /** Room size when the creator does not ask for one. */
  defaultMaxPlayers: number;
  /** Reconnection window, match length, drain deadline (server/lifecycle/matchLifecycle.ts). */
  lifecycle?: MatchLifecycleOptions;
}

export const DEFAULT_ARENA_CONFIG: ArenaRoomConfig = {
  patchIntervalMs: PATCH_INTERVAL_MS,
  defaultMaxPlayers: DEFAULT_MAX_PLAYERS_PER_ROOM,
};

type JoinOptions = z.output<typeof joinOptionsSchema>;
interface PlayerAuth { name: string }

/** Parse join/create options or refuse with a reason the client can show. */
function parseJoinOptions(raw: unknown): JoinOptions {
  const parsed = joinOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    joinRejectionsTotal.inc({ reason: JOIN_REJECTIONS.INVALID_OPTIONS });
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ServerError(400, `${JOIN_REJECTIONS.INVALID_OPTIONS}: ${where}${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * The authoritative arena. Each fixed step consumes at most one buffered input per player and
 * advances the shared simulation; Colyseus sends the resulting schema changes as binary patches
 * at the patch rate, each stamped with the receiving client's input acknowledgement.
 */
export class ArenaRoom extends Room<{ state: ArenaState; metadata: ArenaMetadata; input: InstanceType<typeof InputMessage> }> {
  /** Set by `arenaRoom(config)`; the base class is never registered directly. */
  protected config: ArenaRoomConfig = DEFAULT_ARENA_CONFIG;

  override state = new ArenaState();
  override maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;

  override inputs = this.defineInput(InputMessage, {
    seqField: 'seq',
    bufferMaxSize: INPUT_BUFFER_MAX_INPUTS,
    sanitize: INPUT_RANGES,
  });

  protected world!: World;
  protected lifecycle!: MatchLifecycle;
  private readonly sync = new StateSync(this.state);
  private readonly violations = new ViolationTracker(() => this.roomId);
  private readonly stepInputs = new Map<string, PlayerInput>();

  /** Runs before any seat is reserved: a bad name never gets a seat. */
  static override async onAuth(_token: string, options: unknown, _context: AuthContext): Promise<PlayerAuth> {
    return { name: parseJoinOptions(options).name };
  }

  override async onCreate(rawOptions: unknown): Promise<void> {
    const options = parseJoinOptions(rawOptions);
    this.roomId = await allocateRoomCode();
    this.maxClients = options.maxPlayers ?? this.config.defaultMaxPlayers;
    this.patchRate = this.config.patchIntervalMs;
    const map = getMap(options.map ?? 'arena');
    // Quick play must always land on the default map, so other maps are join-by-code only.
    const isPrivate = options.private === true || map.id !== 'arena';
    this.world = createWorld(map, seedFromString(this.roomId));
    this.state.mapId = map.id;
    await this.setMetadata({ code: this.roomId, private: isPrivate, mapId: map.id });
    if (isPrivate) await this.setPrivate(true);

    this.registerMessages();
    this.setFixedTimestep((ctx) => this.step(ctx.dt), TICK_HZ);
    this.lifecycle = new MatchLifecycle(this, () => this.world, this.config.lifecycle ?? DEFAULT_MATCH_LIFECYCLE);
    log.info({ roomId: this.roomId, private: isPrivate, map: map.id, maxClients: this.maxClients }, 'room created');
  }

  override onJoin(client: Client, _options: unknown, auth?: PlayerAuth): void {
    const name = auth?.name ?? client.sessionId;
    addPlayer(this.world, client.sessionId, name);
    this.lifecycle.welcome(client);
  }

  // Reconnection and drain live in MatchLifecycle; these hooks only hand over.
  override onDrop(client: Client, code?: number): void {
    this.lifecycle.dropped(client, code);
  }

  override onReconnect(client: Client): void {
    this.lifecycle.resumed(client);
  }

  override onBeforeShutdown(): void {
    this.lifecycle.drain();
  }

  override onDispose(): void {
    this.lifecycle?.disposed();
  }

  override checkReconnectionToken(reconnectionToken: string) {
    this.lifecycle?.supersede(reconnectionToken);
    return super.checkReconnectionToken(reconnectionToken);
  }

  override onLeave(client: Client): void {
    removePlayer(this.world, client.sessionId);
    this.sync.removePlayer(client.sessionId);
  }

  override onUncaughtException(error: RoomException, methodName: string): void {
    roomErrorsTotal.inc({ method: methodName });
    log.error({ roomId: this.roomId, method: methodName, err: error.cause ?? error }, 'room error contained');
  }

  private registerMessages(): void {
    this.onMessage('chat', (client, raw) => {
      const parsed = clientMessageSchemas.chat.safeParse(raw);
      if (!parsed.success) return this.violations.record(client, 'invalid_message', `chat: ${parsed.error.issues[0]?.message}`);
      const player = this.world.players.get(client.sessionId);
      const line: ServerMessages['chat'] = { fromId: client.sessionId, name: player?.name ?? '?', text: parsed.data.text };
      this.broadcast('chat', line);
    });
    this.onMessage('*', (client, type) => {
      this.violations.record(client, 'unknown_message', `type ${String(type).slice(0, 40)}`);
    });
  }

  /** One fixed step: at most one input per player, then the shared simulation. */
  protected step(dtS: number): void {
    this.stepInputs.clear();
    for (const player of this.world.players.values()) {
      const buffered = this.inputs.get(player.id);
      // Skip anything at or below what was already applied (the buffer is bounded, so is this).
      let next = buffered.next();
      while (next !== undefined && next.seq <= player.lastInputSeq) next = buffered.next();
      if (next !== undefined) this.stepInputs.set(player.id, normalizeInput(next));
    }
    stepWorld(this.world, this.stepInputs, dtS);
    this.sync.apply(this.world);
    this.announce();
    this.lifecycle.afterStep();
  }

  private announce(): void {
    for (const event of this.world.events) {
      if (event.type !== 'kill') continue;
      const kill: ServerMessages['kill'] = {
        killerId: event.killerId,
        victimId: event.victimId,
        killerName: this.world.players.get(event.killerId)?.name ?? '?',
        victimName: this.world.players.get(event.victimId)?.name ?? '?',
        tick: event.tick,
      };
      // After the patch, so the feed never announces a death the state has not shown yet.
      this.broadcast('kill', kill, { afterNextPatch: true });
    }
  }
}

/** The arena room class bound to a server configuration. */
export function arenaRoom(config: ArenaRoomConfig): typeof ArenaRoom {
  return class ConfiguredArenaRoom extends ArenaRoom {
    protected override config = config;
  };
}
