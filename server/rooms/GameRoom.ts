import { CloseCode, ServerError, type AuthContext, type Client } from '@colyseus/core';
import type { Schema } from '@colyseus/schema';
import { JOIN_REJECTIONS } from '../../shared/closeCodes.ts';
import type { GameDefinition } from '../../shared/game/definition.ts';
import { inputRanges } from '../../shared/game/input.ts';
import { spatialKindsOf } from '../../shared/game/interest.ts';
import { INPUT_BUFFER_MAX_INPUTS, TICK_HZ } from '../../shared/limits.ts';
import type { GameMap } from '../../shared/maps.ts';
import type { SpectateMessage } from '../../shared/messages.ts';
import { seedFromString } from '../../shared/rng.ts';
import { acknowledgeFrom, inputFieldsOf, routeInputs } from '../adapters/colyseusInput.ts';
import { ReplicaViews } from '../interest/replicaViews.ts';
import { MatchLedger, storedEndReason, type MatchScores, type PlayerScore } from '../lifecycle/matchLedger.ts';
import { DEFAULT_MATCH_LIFECYCLE, MatchLifecycle, type MatchSource } from '../lifecycle/matchLifecycle.ts';
import { InputChannel } from '../netcode/inputChannel.ts';
import { log } from '../observability/log.ts';
import { joinRejectionsTotal } from '../observability/metrics.ts';
import { ReplayRecorder } from '../replay/recorder.ts';
import { inputFieldSizes } from '../security/frames.ts';
import { inputSchemaOf } from '../state/inputSchema.ts';
import { applyReplica, replicatedSchemaOf } from '../state/replicatedState.ts';
import type { Seat } from './audience.ts';
import { EngineRoom } from './EngineRoom.ts';
import { authorizeJoin, parseJoinOptions, type PlayerAuth } from './joinOptions.ts';
import type { RoomConfig } from './roomConfig.ts';

/** A match the game decided (a score reached) stays up this long, so everyone sees the final state. */
const DECIDED_MATCH_HOLD_TICKS = TICK_HZ;

/**
 * The room for any game definition that declares what it replicates (`replicated`/`replicate`):
 * every client gets the state through Colyseus' own patch path, whole (small rooms: the ball
 * game), or filtered to what is around it when the game declares its `interest`
 * (server/interest/replicaViews.ts). Inputs take the same path as the arena's: the
 * connection guard checks each frame against this game's input layout, the input channel buffers
 * them, each fixed step takes at most one per player. Seats, names, chat, reconnection, drain and
 * the match's end (by clock, or by the game: `isOver`) are the engine's, as in ArenaRoom.
 */
export abstract class GameRoom extends EngineRoom {
  protected abstract readonly game: GameDefinition<unknown, unknown>;

  private shape!: ReturnType<typeof replicatedSchemaOf>;
  protected channel!: InputChannel;
  private fields!: ReadonlyArray<{ index: number; name: string; boolean: boolean }>;
  private world: unknown;
  private decidedAtTick = -1;
  /** Set when the server records replays (REPLAY_DIR). */
  private replay: ReplayRecorder<unknown, unknown> | undefined;
  /** Set when the server keeps results and the game has standings: who played and how, for the match record. */
  private ledger: MatchLedger | undefined;
  /** Set when the game declares spatial interest: each client's view of the state. */
  private views: ReplicaViews | undefined;
  /** Players (not spectators), with the last input sequence applied for each. */
  private readonly lastSeq = new Map<string, number>();
  /** This step's inputs: a new Map each step (clearing a long-lived one regrows its table in the old generation: see schemaViewDrain.ts). */
  private stepInputs = new Map<string, unknown>();
  /** One input object per player, rewritten each step (steps and the replay recorder keep no reference to it). */
  private readonly playerInputs = new Map<string, Record<string, number | boolean>>();

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
    if (game.interest !== undefined) this.views = new ReplicaViews(this.state as Schema, spatialKindsOf(game.replicated), map, game.interest);
    const InputSchema = inputSchemaOf(game.input, `${game.id}_Input`);
    (this as unknown as { inputs: unknown }).inputs = this.defineInput(InputSchema, { seqField: 'seq', bufferMaxSize: INPUT_BUFFER_MAX_INPUTS });
    this.channel = new InputChannel(inputFieldsOf(InputSchema, inputRanges(game.input)), 'seq', INPUT_BUFFER_MAX_INPUTS);
    this.inputSizes = inputFieldSizes(InputSchema);
    this.fields = Object.entries(game.input).map(([name, decl]) => ({ name, index: this.channel.fieldIndex(name), boolean: decl.type === 'boolean' }));
    routeInputs(this, this.channel, CloseCode.WITH_ERROR);

    await this.openSeats(isPrivate, maxPlayers);
    const seed = seedFromString(this.roomId);
    this.world = game.createWorld(map, seed);
    if (this.config.replayDir) this.replay = new ReplayRecorder(this.config.replayDir, this.roomId, game, this.world, map, seed, this.config.replayChecksumTicks ?? 30);
    this.root.mapId = map.id;
    await this.list({ code: this.roomId, private: isPrivate, mapId: map.id, kind: room.name, players: 0, maxPlayers, spectators: 0, maxSpectators: this.audience.maxSpectators });
    this.startTicking();
    const results = this.config.results;
    if (results !== undefined && game.standings !== undefined) {
      this.ledger = new MatchLedger(results.sink, { game: game.id, roomKind: room.name, mapId: map.id });
      // Off the tick: the ledger builds the record, the store's queue writes it.
      this.clock.setInterval(() => this.ledger?.checkpoint(this.scores()), results.checkpointIntervalS * 1000);
    }
    this.lifecycle = new MatchLifecycle(this, () => this.matchSource(), this.config.lifecycle ?? DEFAULT_MATCH_LIFECYCLE, (info) => {
      this.root.matchEndsAtTick = info.endsAtTick ?? -1;
      this.root.draining = info.draining;
      this.root.reconnectWindowS = info.reconnectWindowS;
    }, (reason) => this.ledger?.finish(this.scores(), storedEndReason(reason))?.id);
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

  /** Each seated player's points and deaths, from the game's standings (the match record's lines). */
  private scores(): MatchScores {
    const players = new Map<string, PlayerScore>();
    for (const line of this.game.standings?.(this.world) ?? []) players.set(line.id, line);
    return { tick: this.game.tick(this.world), players };
  }

  protected joinGame(client: Client, seat: Seat, name: string, auth: PlayerAuth | undefined): void {
    this.views?.addViewer(client, seat === 'player');
    if (seat !== 'player') return;
    this.game.addPlayer(this.world, client.sessionId, name);
    this.ledger?.join(client.sessionId, auth?.profileId ?? null, name, this.game.tick(this.world));
    this.replay?.join(this.world, client.sessionId, name);
    this.lastSeq.set(client.sessionId, 0);
  }

  protected leaveGame(client: Client, seat: Seat | undefined): void {
    this.views?.removeViewer(client.sessionId);
    if (seat !== 'player') return;
    if (this.ledger !== undefined) this.ledger.leave(client.sessionId, this.scores().players.get(client.sessionId), this.game.tick(this.world));
    this.game.removePlayer(this.world, client.sessionId);
    this.replay?.leave(this.world, client.sessionId);
    this.lastSeq.delete(client.sessionId);
    this.playerInputs.delete(client.sessionId);
  }

  protected override spectateRequest(client: Client, request: SpectateMessage): void {
    this.views?.spectate(client.sessionId, request);
  }

  /** The patches Colyseus frames for a connection acknowledge what the channel consumed for it. */
  protected override inputsOpened(client: Client): void {
    acknowledgeFrom(client, () => this.channel.acknowledged(client.sessionId));
  }

  override async onDispose(): Promise<void> {
    await super.onDispose();
    // Everyone left before the match's end: it is still a match that was played.
    if (this.ledger !== undefined && !this.ledger.ended) this.ledger.finish(this.scores(), 'abandoned');
    this.lifecycle?.disposed();
    await this.replay?.end(this.world);
  }

  /** The game's replica into the state, and each client's view brought to its area. */
  protected override stateForPatch(): void {
    applyReplica(this.shape, this.state as Schema, this.game.replicate!(this.world));
    this.views?.update();
  }

  /** One fixed step: at most one fresh input per player, then the game's step (public: the metrics wrapper times it). */
  override step(dtS: number): void {
    this.stepInputs = new Map<string, unknown>();
    const seqAt = this.channel.fieldIndex('seq');
    for (const [id, last] of this.lastSeq) {
      this.net.observeDepth(id, this.channel.depth(id));
      let next = this.channel.take(id);
      while (next !== undefined && next[seqAt]! <= last) next = this.channel.take(id);
      if (next === undefined) continue;
      let input = this.playerInputs.get(id);
      if (input === undefined) this.playerInputs.set(id, (input = this.game.emptyInput() as Record<string, number | boolean>));
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
export function gameRoom(game: GameDefinition<any, any>, config: RoomConfig) {
  const tokens = config.guestTokens;
  class ConfiguredGameRoom extends GameRoom {
    protected override readonly config = config;
    protected override readonly game = game;

    static override async onAuth(token: string, options: unknown, context: AuthContext): Promise<PlayerAuth> {
      return tokens === undefined ? GameRoom.onAuth(token, options, context) : authorizeJoin(tokens, token, options, context?.ip, { check: config.profileCheck, game: game.id });
    }
  }
  return ConfiguredGameRoom;
}
