import { CloseCode, Room, ServerError, type AuthContext, type Client, type RoomException } from '@colyseus/core';
import type { z } from 'zod';
import { CLOSE_CODES, JOIN_REJECTIONS } from '../../shared/closeCodes.ts';
import { DEFAULT_MAX_PLAYERS_PER_ROOM, DEFAULT_MAX_SPECTATORS_PER_ROOM, INPUT_BUFFER_MAX_INPUTS, MAX_MESSAGES_PER_SECOND, DEFAULT_PATCH_INTERVAL_MS, TICK_HZ } from '../../shared/limits.ts';
import { INPUT_RANGES, normalizeInputInto, type PlayerInput } from '../../shared/input.ts';
import { clientMessageSchemas, joinOptionsSchema, type ArenaMetadata, type ServerMessages } from '../../shared/messages.ts';
import { seedFromString } from '../../shared/rng.ts';
import { ARENA_GAME } from '../../shared/games/arena/definition.ts';
import type { World } from '../../shared/sim/world.ts';
import { inputFieldsOf, readInputFrameFor, routeInputs } from '../adapters/colyseusInput.ts';
import { InputChannel } from '../netcode/inputChannel.ts';
import { RoomNetcode } from '../netcode/roomNetcode.ts';
import { ReplayRecorder } from '../replay/recorder.ts';
import { DEFAULT_MATCH_LIFECYCLE, MatchLifecycle, type MatchLifecycleOptions } from '../lifecycle/matchLifecycle.ts';
import { MatchLedger, type MatchSink } from '../lifecycle/matchLedger.ts';
import { attachInterest } from '../interest/attach.ts';
import { DEFAULT_INTEREST, type InterestOptions } from '../interest/config.ts';
import type { InterestManager } from '../interest/manager.ts';
import { log } from '../observability/log.ts';
import { joinRejectionsTotal, roomErrorsTotal } from '../observability/metrics.ts';
import type { AddressList } from '../security/clientAddress.ts';
import type { GuestTokens } from '../security/guestTokens.ts';
import type { ProfileJoin } from '../store/profiles/joinCheck.ts';
import { meanSkillOf } from '../store/ratings/quickPlay.ts';
import { guardOf } from '../security/connectionGuard.ts';
import { MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM } from '../security/limits.ts';
import { recordRejection, type RejectionReason } from '../security/rejections.ts';
import { ArenaState } from '../state/ArenaState.ts';
import { Audience, type Seat } from './audience.ts';
import { CrowdCounter } from './crowd.ts';
import { DisplayNames } from './displayNames.ts';
import { RoomChat } from './roomChat.ts';
import { GuestSeats } from './guestSeats.ts';
import { InputMessage } from './inputSchema.ts';
import { limitPendingSeats } from './pendingSeats.ts';
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
  /** Load generators (RATE_LIMIT_EXEMPT_IPS): no cap on their pending seats per room. */
  rateLimitExempt?: AddressList;
  /** Keep match results (server/store/): where records go, and how often running matches checkpoint. */
  results?: { sink: MatchSink; checkpointIntervalS: number };
  /** The join check of a profile: a refusal (a ban) to refuse the join, and its rating when rated (quick play). */
  profileCheck?: (profileId: string) => Promise<ProfileJoin>;
}

export const DEFAULT_ARENA_CONFIG: ArenaRoomConfig = {
  patchIntervalMs: DEFAULT_PATCH_INTERVAL_MS,
  defaultMaxPlayers: DEFAULT_MAX_PLAYERS_PER_ROOM,
};

type JoinOptions = z.output<typeof joinOptionsSchema>;
/** What the static onAuth hands a room with each seat; `address` is the client address the edge resolved. */
/** `skillMu`: the profile's rating (μ) read from the store at join, when it is rated; never from the client. */
export interface PlayerAuth { name: string; guestId?: string; profileId?: string; skillMu?: number; spectate?: boolean; address?: string }

/** Parse join/create options or refuse with a reason the client can show. */
export function parseJoinOptions(raw: unknown): JoinOptions {
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
export async function authorizeJoin(
  tokens: GuestTokens, token: string | undefined, options: unknown, address?: string,
  profileCheck?: ArenaRoomConfig['profileCheck'],
): Promise<PlayerAuth> {
  const check = await tokens.verify(token);
  if (!check.ok) {
    joinRejectionsTotal.inc({ reason: JOIN_REJECTIONS.AUTH_FAILED });
    recordRejection('auth', `token_${check.reason}` as RejectionReason);
    throw new ServerError(401, `${JOIN_REJECTIONS.AUTH_FAILED}: ${check.reason}`);
  }
  const parsed = parseJoinOptions(options);
  const found = profileCheck === undefined || check.profileId === undefined ? {} : await profileCheck(check.profileId);
  if (found.refusal !== undefined) {
    joinRejectionsTotal.inc({ reason: JOIN_REJECTIONS.BANNED });
    throw new ServerError(403, `${JOIN_REJECTIONS.BANNED}: ${found.refusal}`);
  }
  return { name: parsed.name, guestId: check.guestId, profileId: check.profileId, skillMu: found.skill?.mu, spectate: parsed.spectate, address };
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
  /**
   * No patches until onCreate has built the room and sets the rate: Colyseus starts its patch timer
   * before onCreate, which waits on the room list (Redis) to pick a code, and a patch sent before the
   * room exists threw outside the room and ended the process (a slow or stalled Redis did it).
   */
  override patchRate: number | null = null;

  // Declared so the join handshake tells the SDK the input layout and patches carry the TIMED
  // prefix; the frames themselves go to `inputChannel` (server/adapters/colyseusInput.ts).
  override inputs = this.defineInput(InputMessage, { seqField: 'seq', bufferMaxSize: INPUT_BUFFER_MAX_INPUTS });
  /** Each client's buffered inputs, read without Colyseus' decoder (server/netcode/inputChannel.ts). */
  private readonly inputChannel = new InputChannel(inputFieldsOf(InputMessage, INPUT_RANGES), 'seq', INPUT_BUFFER_MAX_INPUTS);
  private readonly inputFields = {
    seq: this.inputChannel.fieldIndex('seq'), moveX: this.inputChannel.fieldIndex('moveX'), moveY: this.inputChannel.fieldIndex('moveY'),
    aim: this.inputChannel.fieldIndex('aim'), fire: this.inputChannel.fieldIndex('fire'), viewTick: this.inputChannel.fieldIndex('viewTick'),
  };
  /** One input object per player, rewritten each step (the step keeps no reference to it). */
  private readonly playerInputs = new Map<string, PlayerInput>();

  /** The game this room runs (shared/game/definition.ts). */
  protected readonly game = ARENA_GAME;
  protected world!: World;
  protected lifecycle!: MatchLifecycle;
  private crowd!: CrowdCounter;
  /** Who sees what: areas of interest, priorities, spectators (server/interest/). */
  protected interest!: InterestManager;
  private audience!: Audience;
  private listedPrivate = false;
  private readonly sync = new StateSync(this.state);
  private readonly violations = new ViolationTracker(() => this.roomId);
  private readonly stepInputs = new Map<string, PlayerInput>();
  private readonly guestSeats = new GuestSeats();
  private readonly names = new DisplayNames();
  private readonly chat = new RoomChat(this, this.names, this.violations);
  /** Rated players' μ by session, for the listing's mean skill (quick play by rating). */
  private readonly seatedSkills = new Map<string, number>();
  /** Input-buffer reports, pings, per-client lag-compensation clamp (docs/NETCODE.md). */
  protected net!: RoomNetcode;
  /** Set when the server records replays (REPLAY_DIR). */
  protected replay: ReplayRecorder<World, PlayerInput> | undefined;
  /** Set when the server keeps results: who played and how, for the match record. */
  protected ledger: MatchLedger | undefined;

  /** Runs before any seat is reserved: a bad name never gets a seat. */
  static override async onAuth(_token: string, options: unknown, context: AuthContext): Promise<PlayerAuth> {
    const parsed = parseJoinOptions(options);
    return { name: parsed.name, spectate: parsed.spectate, address: context?.ip };
  }

  override async onCreate(rawOptions: unknown): Promise<void> {
    const options = parseJoinOptions(rawOptions);
    const kind = this.config.kind ?? 'arena';
    const { maxPlayers, map, isPrivate } = roomSetup(kind, options, this.config.defaultMaxPlayers);
    this.interest = attachInterest(this, this.state, this.sync, map, this.config.interest ?? DEFAULT_INTEREST, (sessionId) => this.inputChannel.acknowledged(sessionId));
    routeInputs(this, this.inputChannel, CloseCode.WITH_ERROR);
    this.roomId = await allocateRoomCode(isPrivate);
    this.audience = new Audience(maxPlayers, this.config.maxSpectators ?? DEFAULT_MAX_SPECTATORS_PER_ROOM);
    this.maxClients = maxPlayers + this.audience.maxSpectators;
    this.patchRate = this.config.patchIntervalMs;
    this.net = new RoomNetcode(undefined, this.config.patchIntervalMs);
    if (this.config.seatReservationS !== undefined) this.seatReservationTimeout = this.config.seatReservationS;
    limitPendingSeats(this, MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM, this.config.rateLimitExempt);
    const seed = seedFromString(this.roomId);
    this.world = this.game.createWorld(map, seed);
    if (this.config.replayDir) this.replay = new ReplayRecorder(this.config.replayDir, this.roomId, this.game, this.world, map, seed, this.config.replayChecksumTicks ?? 30);
    this.state.mapId = map.id;
    this.crowd = new CrowdCounter(this.state, map);
    await this.setMetadata({ code: this.roomId, private: isPrivate, mapId: map.id, kind, players: 0, maxPlayers, spectators: 0, maxSpectators: this.audience.maxSpectators, meanSkill: null });
    this.listedPrivate = isPrivate;
    if (isPrivate) await this.setPrivate(true);

    this.registerMessages();
    this.setFixedTimestep((ctx) => this.step(ctx.dt), TICK_HZ);
    const results = this.config.results;
    if (results !== undefined) {
      this.ledger = new MatchLedger(results.sink, { game: 'arena', roomKind: kind, mapId: map.id });
      // Off the tick: the ledger builds the record, the store's queue writes it.
      this.clock.setInterval(() => this.ledger?.checkpoint(this.world), results.checkpointIntervalS * 1000);
    }
    this.lifecycle = new MatchLifecycle(this, () => this.world, this.config.lifecycle ?? DEFAULT_MATCH_LIFECYCLE, (info) => {
      this.state.matchEndsAtTick = info.endsAtTick ?? -1;
      this.state.draining = info.draining;
      this.state.reconnectWindowS = info.reconnectWindowS;
    }, (reason) => this.ledger?.finish(this.world, reason === 'time' ? 'time' : 'drained')?.id);
    log.info({ roomId: this.roomId, private: isPrivate, map: map.id, maxClients: this.maxClients }, 'room created');
  }

  override onJoin(client: Client, _options: unknown, auth?: PlayerAuth): void {
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
    // Told apart from every name already in the room (a duplicate or look-alike gets a number);
    // spectators claim one too: they have no body, but their chat lines carry it.
    const name = this.names.claim(client.sessionId, auth?.name ?? client.sessionId);
    if (seat === 'player') {
      this.game.addPlayer(this.world, client.sessionId, name);
      if (auth?.skillMu !== undefined) this.seatedSkills.set(client.sessionId, auth.skillMu);
      this.ledger?.join(client.sessionId, auth?.profileId ?? null, name, this.world.tick);
      this.replay?.join(this.world, client.sessionId, name);
    }
    this.net.join(client.sessionId);
    this.openInputs(client);
    this.interest.addViewer(client.sessionId, seat);
    this.publishAudience();
    this.chat.welcome(client);
  }

  // Reconnection and drain live in MatchLifecycle (which also ends a held seat when its guest
  // joins again: one avatar per guest); these hooks hand over.
  override onDrop(client: Client, code?: number): void {
    if (this.lifecycle.dropped(client, code) === undefined) return; // Colyseus calls onLeave next
    // What was buffered when the connection died is not played while the seat waits.
    this.inputChannel.clear(client.sessionId);
  }

  override onReconnect(client: Client): void {
    // A new connection: the SDK numbers its inputs from 1 again, so the acknowledgement restarts.
    this.openInputs(client);
    this.lifecycle.resumed(client);
  }

  override onBeforeShutdown(): void {
    this.lifecycle.drain();
  }

  // Both ways a reconnection token is spent (matchmaking's reconnect, the WebSocket itself) refuse
  // the token of a connection the server is closing on purpose, even before its close completes.
  override checkReconnectionToken(reconnectionToken: string) {
    // Colyseus' own declares `string` but answers `undefined` for a token that gets no seat.
    if (this.lifecycle?.kicked(reconnectionToken)) return undefined as unknown as string;
    this.lifecycle?.supersede(reconnectionToken);
    return super.checkReconnectionToken(reconnectionToken);
  }

  override hasReservedSeat(sessionId: string, reconnectionToken?: string): boolean {
    if (reconnectionToken !== undefined && this.lifecycle?.kicked(reconnectionToken)) return false;
    return super.hasReservedSeat(sessionId, reconnectionToken);
  }

  override onLeave(client: Client): void {
    const seat = this.audience.seatOf(client.sessionId);
    this.audience.release(client.sessionId);
    this.interest.removeViewer(client.sessionId);
    this.net.leave(client.sessionId);
    this.inputChannel.close(client.sessionId);
    if (seat === 'player') {
      this.ledger?.leave(client.sessionId, this.world.players.get(client.sessionId), this.world.tick);
      this.game.removePlayer(this.world, client.sessionId);
      this.replay?.leave(this.world, client.sessionId);
      this.sync.removePlayer(client.sessionId);
    }
    this.seatedSkills.delete(client.sessionId);
    if (seat !== undefined) this.publishAudience();
    this.guestSeats.release(client.sessionId);
    this.names.release(client.sessionId);
    this.chat.forget(client.sessionId);
    this.playerInputs.delete(client.sessionId);
  }

  /** A connection starts sending inputs: its guard hands them straight to the input channel. */
  private openInputs(client: Client): void {
    const channel = this.inputChannel;
    const inputs = channel.open(client.sessionId);
    guardOf(client.ref)?.deliverInputsTo((frame) => {
      if (!readInputFrameFor(channel, inputs, frame)) client.leave(CloseCode.WITH_ERROR, 'malformed input');
    });
  }

  /** One avatar per guest: the older seat of a guest who joined again goes. */
  private evict(sessionId: string): void {
    recordRejection('connection', 'session_replaced', { roomId: this.roomId, sessionId });
    this.names.release(sessionId); // the guest's new seat keeps its name
    this.lifecycle.endHeldSeat(sessionId);
    this.clients.getById(sessionId)?.leave(CLOSE_CODES.SESSION_REPLACED, 'joined again elsewhere');
  }

  /**
   * Admin API (kick, ban): remove every seat of this profile now. Answers how many were removed.
   * Reached across the cluster by Colyseus' remote room call.
   */
  kickProfile(profileId: string): number {
    let kicked = 0;
    for (const client of this.clients) {
      if ((client.auth as PlayerAuth | undefined)?.profileId !== profileId) continue;
      client.leave(CLOSE_CODES.KICKED_BY_ADMIN, 'removed by an operator');
      kicked++;
    }
    return kicked;
  }

  /** Admin API: the profiles playing here (the room's own view; names as shown). */
  listPlayers(): Array<{ sessionId: string; profileId: string | null; name: string }> {
    return this.clients.map((c) => ({
      sessionId: c.sessionId,
      profileId: (c.auth as PlayerAuth | undefined)?.profileId ?? null,
      name: this.names.nameOf(c.sessionId) ?? '?',
    }));
  }

  /** Admin API: end the match now (recorded as drained) and close the room. */
  closeByAdmin(): void {
    this.lifecycle.drain(0);
  }

  override async onDispose(): Promise<void> {
    // Everyone left before the match's end: it is still a match that was played.
    if (this.ledger !== undefined && !this.ledger.ended) this.ledger.finish(this.world, 'abandoned');
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
    this.onMessage('chat', (client, raw) => this.chat.receive(client, raw));
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
   * Keep the room's listing current: player and spectator counts, the mean skill of its rated
   * players (quick play by rating), and out of quick play while every player seat is taken
   * (spectators can still join it by code).
   */
  private publishAudience(): void {
    const meta = this.metadata;
    const hidden = meta.private || this.audience.playersFull;
    if (hidden !== this.listedPrivate) {
      this.listedPrivate = hidden;
      void this.setPrivate(hidden);
    }
    void this.setMetadata({ ...meta, players: this.audience.playerCount, spectators: this.audience.spectatorCount, meanSkill: meanSkillOf(this.seatedSkills.values()) });
  }


  /**
   * A patch, then the netcode report when one is due, each client's frames corked into one
   * socket write (events queued with `afterNextPatch` join it too).
   */
  override broadcastPatch(): boolean {
    // The state follows the simulation once per patch, not once per step: what happens between
    // two patches is never sent anyway, and each write costs schema's change tracking. (Colyseus'
    // patch timer runs from the room's construction: the world exists only once onCreate has it.)
    if (this.world !== undefined) this.sync.apply(this.world);
    return batchWrites(this.clients, () => {
      const changed = super.broadcastPatch();
      this.net.afterPatch(this.clients);
      return changed;
    });
  }

  /** One fixed step: at most one input per player, then the shared simulation (public: the metrics wrapper times it). */
  step(dtS: number): void {
    this.stepInputs.clear();
    const channel = this.inputChannel;
    const f = this.inputFields;
    for (const player of this.world.players.values()) {
      this.net.observeDepth(player.id, channel.depth(player.id));
      // Skip anything at or below what was already applied (the buffer is bounded, so is this).
      let next = channel.take(player.id);
      while (next !== undefined && next[f.seq]! <= player.lastInputSeq) next = channel.take(player.id);
      if (next === undefined) continue;
      let input = this.playerInputs.get(player.id);
      if (input === undefined) this.playerInputs.set(player.id, (input = this.game.emptyInput()));
      const fire = next[f.fire] === 1;
      normalizeInputInto(next[f.seq]!, next[f.moveX]!, next[f.moveY]!, next[f.aim]!, fire, 0, input);
      if (fire) input.rewind = this.net.rewindFor(player.id, next[f.viewTick]!, this.world.tick + 1);
      this.stepInputs.set(player.id, input);
    }
    this.game.step(this.world, this.stepInputs, dtS);
    this.replay?.step(this.world, this.stepInputs);
    this.crowd.afterStep(this.world);
    this.ledger?.afterStep(this.world);
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
      return tokens === undefined ? ArenaRoom.onAuth(token, options, context) : authorizeJoin(tokens, token, options, context?.ip, config.profileCheck);
    }
  };
}
