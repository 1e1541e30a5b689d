import { Room, ServerError, type AuthContext, type Client, type RoomException } from '@colyseus/core';
import type { z } from 'zod';
import { CLOSE_CODES, JOIN_REJECTIONS } from '../../shared/closeCodes.ts';
import {
  DEFAULT_MAX_PLAYERS_PER_ROOM,
  DEFAULT_MAX_SPECTATORS_PER_ROOM,
  INPUT_BUFFER_MAX_INPUTS,
  MAX_MESSAGES_PER_SECOND,
  PATCH_INTERVAL_MS,
  TICK_HZ,
} from '../../shared/constants.ts';
import { INPUT_RANGES, normalizeInput, type PlayerInput } from '../../shared/input.ts';
import { clientMessageSchemas, joinOptionsSchema, type ArenaMetadata, type ServerMessages } from '../../shared/messages.ts';
import { seedFromString } from '../../shared/rng.ts';
import { stepWorld } from '../../shared/sim/step.ts';
import { addPlayer, createWorld, removePlayer, type World } from '../../shared/sim/world.ts';
import { RoomNetcode } from '../netcode/roomNetcode.ts';
import { ReplayRecorder } from '../replay/recorder.ts';
import { DEFAULT_MATCH_LIFECYCLE, MatchLifecycle, type MatchLifecycleOptions } from '../lifecycle/matchLifecycle.ts';
import { attachInterest } from '../interest/attach.ts';
import { DEFAULT_INTEREST, type InterestOptions } from '../interest/config.ts';
import type { InterestManager } from '../interest/manager.ts';
import { log } from '../observability/log.ts';
import { joinRejectionsTotal, roomErrorsTotal } from '../observability/metrics.ts';
import type { GuestTokens } from '../security/guestTokens.ts';
import { CHAT_LIMIT } from '../security/limits.ts';
import { recordRejection, type RejectionReason } from '../security/rejections.ts';
import { TokenBucket } from '../security/tokenBucket.ts';
import { ArenaState } from './ArenaState.ts';
import { Audience, type Seat } from './audience.ts';
import { ChatLog } from './chatLog.ts';
import { GuestSeats } from './guestSeats.ts';
import { InputMessage } from './inputSchema.ts';
import { takeInput } from './takeInput.ts';
import { allocateRoomCode } from './roomCode.ts';
import { roomSetup, type RoomKindName } from './roomKinds.ts';
import { batchWrites } from './socketBatch.ts';
import { StateSync } from './stateSync.ts';
import { ViolationTracker } from './violations.ts';

export interface ArenaRoomConfig {
  /** Interval between state patches. */
  patchIntervalMs: number;
  /** Room size when the creator does not ask for one. */
  defaultMaxPlayers: number;
  /** Guest-token verifier: when set, every join and create needs a valid token (see onAuth). */
  guestTokens?: GuestTokens;
  /** How long a reserved seat waits for its WebSocket. */
  seatReservationS?: number;
  /** Record a replay of every room into this folder (null or absent: do not record). */
  replayDir?: string | null;
  /** Replays carry a world checksum every this many ticks. */
  replayChecksumTicks?: number;
  /** Reconnection window, match length, drain deadline (server/lifecycle/matchLifecycle.ts). */
  lifecycle?: MatchLifecycleOptions;
  /** Room type: `arena` (default) or `battle` (large rooms on a map sized for them). */
  kind?: RoomKindName;
  /** Spectator seats besides the players. */
  maxSpectators?: number;
  /** What each client receives (server/interest/). */
  interest?: InterestOptions;
}

export const DEFAULT_ARENA_CONFIG: ArenaRoomConfig = {
  patchIntervalMs: PATCH_INTERVAL_MS,
  defaultMaxPlayers: DEFAULT_MAX_PLAYERS_PER_ROOM,
};

type JoinOptions = z.output<typeof joinOptionsSchema>;
interface PlayerAuth { name: string; guestId?: string; spectate?: boolean }

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
 * The whole join check, run in the static `onAuth` before any seat is reserved: a valid guest
 * token (its subject becomes the player's guest id; nothing the client sends can choose it),
 * then the options.
 */
export async function authorizeJoin(tokens: GuestTokens, token: string | undefined, options: unknown): Promise<PlayerAuth> {
  const check = await tokens.verify(token);
  if (!check.ok) {
    joinRejectionsTotal.inc({ reason: JOIN_REJECTIONS.AUTH_FAILED });
    recordRejection('auth', `token_${check.reason}` as RejectionReason);
    throw new ServerError(401, `${JOIN_REJECTIONS.AUTH_FAILED}: ${check.reason}`);
  }
  const parsed = parseJoinOptions(options);
  return { name: parsed.name, guestId: check.guestId, spectate: parsed.spectate };
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
  /** Who sees what: areas of interest, priorities, spectators (server/interest/). */
  protected interest!: InterestManager;
  private audience!: Audience;
  private listedPrivate = false;
  private readonly sync = new StateSync(this.state);
  private readonly violations = new ViolationTracker(() => this.roomId);
  private readonly stepInputs = new Map<string, PlayerInput>();
  private readonly guestSeats = new GuestSeats();
  private readonly chatLog = new ChatLog();
  private readonly chatBuckets = new Map<string, TokenBucket>();
  /** Seats held for dropped players, by session, so a newer join of the same guest can end them. */
  private readonly heldSeats = new Map<string, { reject?: (reason?: unknown) => void }>();
  /** Input-buffer reports, pings, per-client lag-compensation clamp (docs/NETCODE.md). */
  protected net!: RoomNetcode;
  /** Set when the server records replays (REPLAY_DIR). */
  protected replay: ReplayRecorder | undefined;

  /** Runs before any seat is reserved: a bad name never gets a seat. */
  static override async onAuth(_token: string, options: unknown, _context: AuthContext): Promise<PlayerAuth> {
    const parsed = parseJoinOptions(options);
    return { name: parsed.name, spectate: parsed.spectate };
  }

  override async onCreate(rawOptions: unknown): Promise<void> {
    const options = parseJoinOptions(rawOptions);
    const kind = this.config.kind ?? 'arena';
    const { maxPlayers, map, isPrivate } = roomSetup(kind, options, this.config.defaultMaxPlayers);
    this.interest = attachInterest(this, this.state, this.sync, map, this.config.interest ?? DEFAULT_INTEREST);
    this.roomId = await allocateRoomCode();
    this.audience = new Audience(maxPlayers, this.config.maxSpectators ?? DEFAULT_MAX_SPECTATORS_PER_ROOM);
    this.maxClients = maxPlayers + this.audience.maxSpectators;
    this.patchRate = this.config.patchIntervalMs;
    this.net = new RoomNetcode(undefined, this.config.patchIntervalMs);
    if (this.config.seatReservationS !== undefined) this.seatReservationTimeout = this.config.seatReservationS;
    this.world = createWorld(map, seedFromString(this.roomId));
    if (this.config.replayDir) this.replay = new ReplayRecorder(this.config.replayDir, this.roomId, this.world, this.config.replayChecksumTicks ?? 30);
    this.state.mapId = map.id;
    await this.setMetadata({ code: this.roomId, private: isPrivate, mapId: map.id, kind, players: 0, maxPlayers, spectators: 0, maxSpectators: this.audience.maxSpectators });
    this.listedPrivate = isPrivate;
    if (isPrivate) await this.setPrivate(true);

    this.registerMessages();
    this.setFixedTimestep((ctx) => this.step(ctx.dt), TICK_HZ);
    this.lifecycle = new MatchLifecycle(this, () => this.world, this.config.lifecycle ?? DEFAULT_MATCH_LIFECYCLE);
    log.info({ roomId: this.roomId, private: isPrivate, map: map.id, maxClients: this.maxClients }, 'room created');
  }

  override onJoin(client: Client, _options: unknown, auth?: PlayerAuth): void {
    const name = auth?.name ?? client.sessionId;
    const seat: Seat = auth?.spectate === true ? 'spectator' : 'player';
    const admitted = this.audience.admit(client.sessionId, seat);
    if (!admitted.ok) {
      joinRejectionsTotal.inc({ reason: admitted.reason });
      throw new ServerError(409, admitted.reason);
    }
    // One avatar per guest; watching is not an avatar (a player may watch its own room from another tab).
    if (auth?.guestId !== undefined && seat === 'player') {
      const displaced = this.guestSeats.claim(auth.guestId, client.sessionId);
      if (displaced !== undefined) this.evict(displaced);
    }
    if (seat === 'player') {
      addPlayer(this.world, client.sessionId, name);
      this.replay?.join(this.world, client.sessionId, name);
    }
    this.net.join(client.sessionId);
    this.interest.addViewer(client.sessionId, seat);
    this.publishAudience();
    const lines = this.chatLog.recent();
    if (lines.length > 0) client.send('chatHistory', { lines } satisfies ServerMessages['chatHistory']);
    this.lifecycle.welcome(client);
  }

  // Reconnection and drain live in MatchLifecycle; these hooks hand over, and remember a held
  // seat so that a newer join of the same guest can end it (one avatar per guest).
  override onDrop(client: Client, code?: number): void {
    const held = this.lifecycle.dropped(client, code) as unknown as (Promise<unknown> & { reject?: (reason?: unknown) => void }) | undefined;
    if (held === undefined) return; // Colyseus calls onLeave next
    this.heldSeats.set(client.sessionId, held);
    held.then(() => this.heldSeats.delete(client.sessionId), () => this.heldSeats.delete(client.sessionId));
  }

  override onReconnect(client: Client): void {
    this.lifecycle.resumed(client);
  }

  override onBeforeShutdown(): void {
    this.lifecycle.drain();
  }

  override checkReconnectionToken(reconnectionToken: string) {
    this.lifecycle?.supersede(reconnectionToken);
    return super.checkReconnectionToken(reconnectionToken);
  }

  override onLeave(client: Client): void {
    const seat = this.audience.seatOf(client.sessionId);
    this.audience.release(client.sessionId);
    this.interest.removeViewer(client.sessionId);
    this.net.leave(client.sessionId);
    if (seat === 'player') {
      removePlayer(this.world, client.sessionId);
      this.replay?.leave(this.world, client.sessionId);
      this.sync.removePlayer(client.sessionId);
    }
    if (seat !== undefined) this.publishAudience();
    this.guestSeats.release(client.sessionId);
    this.chatBuckets.delete(client.sessionId);
  }

  /** One avatar per guest: the older seat of a guest who joined again goes. */
  private evict(sessionId: string): void {
    recordRejection('connection', 'session_replaced', { roomId: this.roomId, sessionId });
    const held = this.heldSeats.get(sessionId);
    if (held?.reject !== undefined) held.reject(new Error('session replaced'));
    this.clients.getById(sessionId)?.leave(CLOSE_CODES.SESSION_REPLACED, 'joined again elsewhere');
  }

  override async onDispose(): Promise<void> {
    this.lifecycle?.disposed();
    await this.replay?.end(this.world);
  }

  override onUncaughtException(error: RoomException, methodName: string): void {
    const cause = error.cause ?? error;
    // A join this room refused on purpose (full seats): counted as a join rejection already, and
    // the client gets its reason; Colyseus routes the throw here too, but it is not a fault.
    if (methodName === 'onJoin' && cause instanceof ServerError) {
      log.info({ roomId: this.roomId, reason: cause.message }, 'join refused');
      return;
    }
    roomErrorsTotal.inc({ method: methodName });
    log.error({ roomId: this.roomId, method: methodName, err: cause }, 'room error contained');
  }

  private registerMessages(): void {
    this.onMessage('chat', (client, raw) => {
      const parsed = clientMessageSchemas.chat.safeParse(raw);
      if (!parsed.success) return this.violations.record(client, 'invalid_message', `chat: ${parsed.error.issues[0]?.message}`);
      if (!this.allowChat(client)) return;
      const player = this.world.players.get(client.sessionId);
      const line: ServerMessages['chat'] = { fromId: client.sessionId, name: player?.name ?? '?', text: parsed.data.text };
      this.chatLog.add(line);
      this.broadcast('chat', line);
    });
    this.onMessage('netp', (client, raw) => {
      const parsed = clientMessageSchemas.netp.safeParse(raw);
      if (!parsed.success) return this.violations.record(client, 'invalid_message', `netp: ${parsed.error.issues[0]?.message}`);
      this.net.onPong(client.sessionId, parsed.data);
    });
    this.onMessage('spectate', (client, raw) => {
      const parsed = clientMessageSchemas.spectate.safeParse(raw);
      if (!parsed.success) return this.violations.record(client, 'invalid_message', `spectate: ${parsed.error.issues[0]?.message}`);
      this.interest.spectate(client.sessionId, parsed.data);
    });
    this.onMessage('*', (client, type) => {
      this.violations.record(client, 'unknown_message', `type ${String(type).slice(0, 40)}`);
    });
  }

  /**
   * Keep the room's listing current: player and spectator counts, and out of quick play while
   * every player seat is taken (spectators can still join it by code).
   */
  private publishAudience(): void {
    const meta = this.metadata;
    const hidden = meta.private || this.audience.playersFull;
    if (hidden !== this.listedPrivate) {
      this.listedPrivate = hidden;
      void this.setPrivate(hidden);
    }
    void this.setMetadata({ ...meta, players: this.audience.playerCount, spectators: this.audience.spectatorCount });
  }

  /** Chat lines are rate-limited per player (valid ones only: invalid ones are strikes). */
  private allowChat(client: Client): boolean {
    const now = performance.now();
    let bucket = this.chatBuckets.get(client.sessionId);
    if (bucket === undefined) {
      bucket = new TokenBucket(CHAT_LIMIT, now);
      this.chatBuckets.set(client.sessionId, bucket);
    }
    const verdict = bucket.take(now);
    if (verdict === 'ok') return true;
    recordRejection('message', 'chat_rate', { roomId: this.roomId, sessionId: client.sessionId });
    if (verdict === 'abusive') client.leave(CLOSE_CODES.RATE_LIMITED, 'chat rate limit');
    return false;
  }

  /**
   * A patch, then the netcode report when one is due, each client's frames corked into one
   * socket write (events queued with `afterNextPatch` join it too).
   */
  override broadcastPatch(): boolean {
    return batchWrites(this.clients, () => {
      const changed = super.broadcastPatch();
      this.net.afterPatch(this.clients);
      return changed;
    });
  }

  /** One fixed step: at most one input per player, then the shared simulation. */
  protected step(dtS: number): void {
    this.stepInputs.clear();
    for (const player of this.world.players.values()) {
      const buffered = this.inputs.get(player.id);
      this.net.observeDepth(player.id, buffered.size);
      // Skip anything at or below what was already applied (the buffer is bounded, so is this).
      let next = takeInput(buffered);
      while (next !== undefined && next.seq <= player.lastInputSeq) next = takeInput(buffered);
      if (next === undefined) continue;
      const input = normalizeInput(next);
      if (input.fire) input.rewind = this.net.rewindFor(player.id, next.viewTick, this.world.tick + 1);
      this.stepInputs.set(player.id, input);
    }
    stepWorld(this.world, this.stepInputs, dtS);
    this.replay?.step(this.world, this.stepInputs);
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
      // After the patch, so the feed never announces a death the state has not shown yet; only to
      // those who had either player in view (docs/INTEREST.md).
      for (const id of this.interest.audienceOf(event.victimId, event.killerId)) this.clients.getById(id)?.send('kill', kill, { afterNextPatch: true });
    }
  }
}

/** The arena room class bound to a server configuration. */
export function arenaRoom(config: ArenaRoomConfig): typeof ArenaRoom {
  const tokens = config.guestTokens;
  return class ConfiguredArenaRoom extends ArenaRoom {
    protected override config = config;

    static override async onAuth(token: string, options: unknown, context: AuthContext): Promise<PlayerAuth> {
      return tokens === undefined ? ArenaRoom.onAuth(token, options, context) : authorizeJoin(tokens, token, options);
    }
  };
}
