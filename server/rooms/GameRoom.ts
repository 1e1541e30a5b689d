import { CloseCode, Room, ServerError, type AuthContext, type Client, type RoomException } from '@colyseus/core';
import type { Schema } from '@colyseus/schema';
import { CLOSE_CODES, JOIN_REJECTIONS } from '../../shared/closeCodes.ts';
import type { GameDefinition } from '../../shared/game/definition.ts';
import { inputRanges } from '../../shared/game/input.ts';
import { DEFAULT_MAX_SPECTATORS_PER_ROOM, INPUT_BUFFER_MAX_INPUTS, MAX_MESSAGES_PER_SECOND, TICK_HZ } from '../../shared/limits.ts';
import type { GameMap } from '../../shared/maps.ts';
import { clientMessageSchemas, type ArenaMetadata, type ServerMessages } from '../../shared/messages.ts';
import { seedFromString } from '../../shared/rng.ts';
import { acknowledgeFrom, inputFieldsOf, readInputFrameFor, routeInputs } from '../adapters/colyseusInput.ts';
import { DEFAULT_MATCH_LIFECYCLE, MatchLifecycle, type MatchSource } from '../lifecycle/matchLifecycle.ts';
import { InputChannel } from '../netcode/inputChannel.ts';
import { RoomNetcode } from '../netcode/roomNetcode.ts';
import { log } from '../observability/log.ts';
import { ReplayRecorder } from '../replay/recorder.ts';
import { joinRejectionsTotal, roomErrorsTotal } from '../observability/metrics.ts';
import { guardOf } from '../security/connectionGuard.ts';
import { inputFieldSizes } from '../security/frames.ts';
import { MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM } from '../security/limits.ts';
import { recordRejection } from '../security/rejections.ts';
import { inputSchemaOf } from '../state/inputSchema.ts';
import { applyReplica, replicatedSchemaOf } from '../state/replicatedState.ts';
import { ArenaRoom, authorizeJoin, parseJoinOptions, type ArenaRoomConfig, type PlayerAuth } from './ArenaRoom.ts';
import { Audience, type Seat } from './audience.ts';
import { DisplayNames } from './displayNames.ts';
import { RoomChat } from './roomChat.ts';
import { GuestSeats } from './guestSeats.ts';
import { limitPendingSeats } from './pendingSeats.ts';
import { allocateRoomCode } from './roomCode.ts';
import { batchWrites } from './socketBatch.ts';
import { ViolationTracker } from './violations.ts';

/** A match the game decided (a score reached) stays up this long, so everyone sees the final state. */
const DECIDED_MATCH_HOLD_TICKS = TICK_HZ;

/**
 * The room for any game definition that declares what it replicates (`replicated`/`replicate`),
 * without interest management: every client gets the whole state through Colyseus' own patch
 * path, which suits small rooms (the ball game). Inputs take the same path as the arena's: the
 * connection guard checks each frame against this game's input layout, the input channel buffers
 * them, each fixed step takes at most one per player. Seats, names, chat, reconnection, drain and
 * the match's end (by clock, or by the game: `isOver`) are the engine's, as in ArenaRoom.
 */
export abstract class GameRoom extends Room<{ metadata: ArenaMetadata }> {
  protected abstract readonly config: ArenaRoomConfig;
  protected abstract readonly game: GameDefinition<unknown, unknown>;
  override maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;
  override patchRate: number | null = null;

  private shape!: ReturnType<typeof replicatedSchemaOf>;
  private channel!: InputChannel;
  private inputSizes: readonly number[] | undefined;
  private fields!: ReadonlyArray<{ index: number; name: string; boolean: boolean }>;
  private world: unknown;
  private lifecycle!: MatchLifecycle;
  private audience!: Audience;
  private net!: RoomNetcode;
  private listedPrivate = false;
  private decidedAtTick = -1;
  /** Set when the server records replays (REPLAY_DIR). */
  private replay: ReplayRecorder<unknown, unknown> | undefined;
  /** Players (not spectators), with the last input sequence applied for each. */
  private readonly lastSeq = new Map<string, number>();
  private readonly stepInputs = new Map<string, unknown>();
  private readonly violations = new ViolationTracker(() => this.roomId);
  private readonly guestSeats = new GuestSeats();
  private readonly names = new DisplayNames();
  private readonly chat = new RoomChat(this, this.names, this.violations);

  static override async onAuth(_token: string, options: unknown, context: AuthContext): Promise<PlayerAuth> {
    return ArenaRoom.onAuth(_token, options, context);
  }

  override async onCreate(rawOptions: unknown): Promise<void> {
    const game = this.game;
    const room = game.rooms[0]!;
    if (game.replicated === undefined || game.replicate === undefined || room.map === undefined || room.playersPerRoom === 'configured') {
      throw new Error(`game ${game.id}: a GameRoom needs replicated, replicate, a map and a fixed room size`);
    }
    const options = parseJoinOptions(rawOptions);
    const refuse = (field: string, why: string): never => {
      joinRejectionsTotal.inc({ reason: JOIN_REJECTIONS.INVALID_OPTIONS });
      throw new ServerError(400, `${JOIN_REJECTIONS.INVALID_OPTIONS}: ${field}: ${why}`);
    };
    if (options.spectate === true) refuse('spectate', 'a room is created by a player');
    if (options.map !== undefined) refuse('map', `${room.name} rooms have their own map`);
    const maxPlayers = options.maxPlayers ?? room.playersPerRoom;
    if (maxPlayers > room.playersPerRoom) refuse('maxPlayers', `at most ${room.playersPerRoom} in a ${room.name} room`);
    const isPrivate = options.private === true;
    const map: GameMap = room.map;

    this.shape = replicatedSchemaOf(game.replicated, game.id);
    this.setState(new this.shape.State());
    const InputSchema = inputSchemaOf(game.input, `${game.id}_Input`);
    (this as unknown as { inputs: unknown }).inputs = this.defineInput(InputSchema, { seqField: 'seq', bufferMaxSize: INPUT_BUFFER_MAX_INPUTS });
    this.channel = new InputChannel(inputFieldsOf(InputSchema, inputRanges(game.input)), 'seq', INPUT_BUFFER_MAX_INPUTS);
    this.inputSizes = inputFieldSizes(InputSchema);
    this.fields = Object.entries(game.input).map(([name, decl]) => ({ name, index: this.channel.fieldIndex(name), boolean: decl.type === 'boolean' }));
    routeInputs(this, this.channel, CloseCode.WITH_ERROR);

    this.roomId = await allocateRoomCode(isPrivate);
    this.audience = new Audience(maxPlayers, this.config.maxSpectators ?? DEFAULT_MAX_SPECTATORS_PER_ROOM);
    this.maxClients = maxPlayers + this.audience.maxSpectators;
    this.patchRate = this.config.patchIntervalMs;
    this.net = new RoomNetcode(undefined, this.config.patchIntervalMs);
    if (this.config.seatReservationS !== undefined) this.seatReservationTimeout = this.config.seatReservationS;
    limitPendingSeats(this, MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM, this.config.rateLimitExempt);
    const seed = seedFromString(this.roomId);
    this.world = game.createWorld(map, seed);
    if (this.config.replayDir) this.replay = new ReplayRecorder(this.config.replayDir, this.roomId, game, this.world, map, seed, this.config.replayChecksumTicks ?? 30);
    this.root.mapId = map.id;
    await this.setMetadata({ code: this.roomId, private: isPrivate, mapId: map.id, kind: room.name, players: 0, maxPlayers, spectators: 0, maxSpectators: this.audience.maxSpectators });
    this.listedPrivate = isPrivate;
    if (isPrivate) await this.setPrivate(true);
    this.registerMessages();
    this.setFixedTimestep((ctx) => this.step(ctx.dt), TICK_HZ);
    this.lifecycle = new MatchLifecycle(this, () => this.matchSource(), this.config.lifecycle ?? DEFAULT_MATCH_LIFECYCLE, (info) => {
      this.root.matchEndsAtTick = info.endsAtTick ?? -1;
      this.root.draining = info.draining;
      this.root.reconnectWindowS = info.reconnectWindowS;
    });
    log.info({ roomId: this.roomId, game: game.id, private: isPrivate, maxClients: this.maxClients }, 'room created');
  }

  private get root(): Record<string, unknown> {
    return this.state as unknown as Record<string, unknown>;
  }

  /** The match as the lifecycle reads it (at reconnection and at the end only). */
  private matchSource(): MatchSource {
    const standings = this.game.standings?.(this.world) ?? [];
    const players = new Map(standings.map((s) => [s.id, { ...s, lastInputSeq: this.lastSeq.get(s.id) ?? 0 }] as const));
    return { tick: this.game.tick(this.world), players };
  }

  override onJoin(client: Client, _options: unknown, auth?: PlayerAuth): void {
    const seat: Seat = auth?.spectate === true ? 'spectator' : 'player';
    const admitted = this.audience.admit(client.sessionId, seat);
    if (!admitted.ok) {
      joinRejectionsTotal.inc({ reason: admitted.reason });
      throw new ServerError(409, admitted.reason);
    }
    if (auth?.guestId !== undefined && seat === 'player') {
      const displaced = this.guestSeats.claim(auth.guestId, client.sessionId);
      if (displaced !== undefined) this.evict(displaced);
    }
    const name = this.names.claim(client.sessionId, auth?.name ?? client.sessionId);
    if (seat === 'player') {
      this.game.addPlayer(this.world, client.sessionId, name);
      this.replay?.join(this.world, client.sessionId, name);
      this.lastSeq.set(client.sessionId, 0);
    }
    this.net.join(client.sessionId);
    this.openInputs(client);
    this.publishAudience();
    this.chat.welcome(client);
  }

  override onDrop(client: Client, code?: number): void {
    const held = this.lifecycle.dropped(client, code);
    if (held !== undefined) this.channel.clear(client.sessionId);
  }

  override onReconnect(client: Client): void {
    // The last applied sequence stays (as the game's rules keep theirs): the client continues
    // from the one `resumed` reports, so nothing is applied twice and no input stalls behind it.
    this.openInputs(client);
    this.lifecycle.resumed(client);
  }

  override onBeforeShutdown(): void {
    this.lifecycle.drain();
  }

  override checkReconnectionToken(reconnectionToken: string) {
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
    this.net.leave(client.sessionId);
    this.channel.close(client.sessionId);
    if (seat === 'player') {
      this.game.removePlayer(this.world, client.sessionId);
      this.replay?.leave(this.world, client.sessionId);
      this.lastSeq.delete(client.sessionId);
    }
    if (seat !== undefined) this.publishAudience();
    this.guestSeats.release(client.sessionId);
    this.names.release(client.sessionId);
    this.chat.forget(client.sessionId);
  }

  override async onDispose(): Promise<void> {
    this.lifecycle?.disposed();
    await this.replay?.end(this.world);
  }

  override onUncaughtException(error: RoomException, methodName: string): void {
    const cause = error.cause ?? error;
    if (methodName === 'onJoin' && cause instanceof ServerError) return;
    roomErrorsTotal.inc({ method: methodName });
    log.error({ roomId: this.roomId, method: methodName, err: cause }, 'room error contained');
  }

  /**
   * A connection's input frames go to the input channel, checked against this game's layout; the
   * patches Colyseus frames for it acknowledge what the channel consumed.
   */
  private openInputs(client: Client): void {
    const inputs = this.channel.open(client.sessionId);
    acknowledgeFrom(client, () => this.channel.acknowledged(client.sessionId));
    guardOf(client.ref)?.deliverInputsTo((frame) => {
      if (!readInputFrameFor(this.channel, inputs, frame)) client.leave(CloseCode.WITH_ERROR, 'malformed input');
    }, this.inputSizes);
  }

  private evict(sessionId: string): void {
    recordRejection('connection', 'session_replaced', { roomId: this.roomId, sessionId });
    this.names.release(sessionId);
    this.lifecycle.endHeldSeat(sessionId);
    this.clients.getById(sessionId)?.leave(CLOSE_CODES.SESSION_REPLACED, 'joined again elsewhere');
  }

  private registerMessages(): void {
    this.onMessage('chat', (client, raw) => this.chat.receive(client, raw));
    this.onMessage('netp', (client, raw) => {
      const parsed = clientMessageSchemas.netp.safeParse(raw);
      if (!parsed.success) return this.violations.record(client, 'invalid_message', `netp: ${parsed.error.issues[0]?.message}`);
      this.net.onPong(client.sessionId, parsed.data);
    });
    // Everyone sees the whole match: a camera request changes nothing, but must be well-formed.
    this.onMessage('spectate', (client, raw) => {
      const parsed = clientMessageSchemas.spectate.safeParse(raw);
      if (!parsed.success) this.violations.record(client, 'invalid_message', `spectate: ${parsed.error.issues[0]?.message}`);
    });
    this.onMessage('*', (client, type) => {
      this.violations.record(client, 'unknown_message', `type ${String(type).slice(0, 40)}`);
    });
  }

  private publishAudience(): void {
    const meta = this.metadata;
    const hidden = meta.private || this.audience.playersFull;
    if (hidden !== this.listedPrivate) {
      this.listedPrivate = hidden;
      void this.setPrivate(hidden);
    }
    void this.setMetadata({ ...meta, players: this.audience.playerCount, spectators: this.audience.spectatorCount });
  }


  override broadcastPatch(): boolean {
    if (this.world !== undefined) applyReplica(this.shape, this.state as Schema, this.game.replicate!(this.world));
    return batchWrites(this.clients, () => {
      const changed = super.broadcastPatch();
      this.net.afterPatch(this.clients);
      return changed;
    });
  }

  /** One fixed step: at most one fresh input per player, then the game's step (public: the metrics wrapper times it). */
  step(dtS: number): void {
    this.stepInputs.clear();
    const seqAt = this.channel.fieldIndex('seq');
    for (const [id, last] of this.lastSeq) {
      this.net.observeDepth(id, this.channel.depth(id));
      let next = this.channel.take(id);
      while (next !== undefined && next[seqAt]! <= last) next = this.channel.take(id);
      if (next === undefined) continue;
      const input = this.game.emptyInput() as Record<string, number | boolean>;
      for (const f of this.fields) input[f.name] = f.boolean ? next[f.index] === 1 : next[f.index]!;
      this.lastSeq.set(id, next[seqAt]!);
      this.stepInputs.set(id, input);
    }
    this.game.step(this.world, this.stepInputs, dtS);
    this.replay?.step(this.world, this.stepInputs);
    this.lifecycle.afterStep();
    const tick = this.game.tick(this.world);
    if (this.decidedAtTick < 0 && this.game.isOver?.(this.world) === true) this.decidedAtTick = tick;
    if (this.decidedAtTick >= 0 && tick >= this.decidedAtTick + DECIDED_MATCH_HOLD_TICKS) this.lifecycle.decided();
  }
}

/** The room class of `game` bound to a server configuration (the same one the arena's rooms get). */
export function gameRoom(game: GameDefinition<any, any>, config: ArenaRoomConfig) {
  const tokens = config.guestTokens;
  class ConfiguredGameRoom extends GameRoom {
    protected override readonly config = config;
    protected override readonly game = game;

    static override async onAuth(token: string, options: unknown, context: AuthContext): Promise<PlayerAuth> {
      return tokens === undefined ? GameRoom.onAuth(token, options, context) : authorizeJoin(tokens, token, options, context?.ip, config.profileCheck);
    }
  }
  return ConfiguredGameRoom;
}
