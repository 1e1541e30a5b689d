import { CloseCode, type AuthContext, type Client } from '@colyseus/core';
import { INPUT_BUFFER_MAX_INPUTS } from '../../shared/limits.ts';
import { INPUT_RANGES, normalizeInputInto, type PlayerInput } from '../../shared/input.ts';
import type { ArenaMetadata, ServerMessages, SpectateMessage } from '../../shared/messages.ts';
import { seedFromString } from '../../shared/rng.ts';
import { ARENA_GAME } from '../../shared/games/arena/definition.ts';
import type { World } from '../../shared/sim/world.ts';
import { inputFieldsOf, routeInputs } from '../adapters/colyseusInput.ts';
import { InputChannel } from '../netcode/inputChannel.ts';
import { ReplayRecorder } from '../replay/recorder.ts';
import { DEFAULT_MATCH_LIFECYCLE, MatchLifecycle } from '../lifecycle/matchLifecycle.ts';
import { DEFAULT_PATCH_SLICES } from '../netcode/patchSlices.ts';
import { MatchLedger, storedEndReason } from '../lifecycle/matchLedger.ts';
import { attachInterest } from '../interest/attach.ts';
import { DEFAULT_INTEREST } from '../interest/config.ts';
import type { InterestManager } from '../interest/manager.ts';
import { log } from '../observability/log.ts';
import { meanSkillOf } from '../store/ratings/quickPlay.ts';
import { ArenaState } from '../state/ArenaState.ts';
import type { Seat } from './audience.ts';
import { CrowdCounter } from './crowd.ts';
import { EngineRoom } from './EngineRoom.ts';
import { InputMessage } from './inputSchema.ts';
import { authorizeJoin, parseJoinOptions, type PlayerAuth } from './joinOptions.ts';
import { DEFAULT_ROOM_CONFIG, type RoomConfig } from './roomConfig.ts';
import { roomSetup } from './roomKinds.ts';
import { StateSync } from './stateSync.ts';

/**
 * The authoritative arena. Each fixed step consumes at most one buffered input per player and
 * advances the shared simulation; each client gets the part of the world around it (interest
 * management) as binary patches at the patch rate, stamped with its input acknowledgement. Seats,
 * chat, reconnection, drain and the admin calls are the engine's (EngineRoom.ts).
 */
export class ArenaRoom extends EngineRoom<{ state: ArenaState; metadata: ArenaMetadata; input: InstanceType<typeof InputMessage> }> {
  /** Set by `arenaRoom(config)`; the base class is never registered directly. */
  protected config: RoomConfig = DEFAULT_ROOM_CONFIG;

  override state = new ArenaState();

  // Declared so the join handshake tells the SDK the input layout and patches carry the TIMED
  // prefix; the frames themselves go to `channel` (server/adapters/colyseusInput.ts).
  override inputs = this.defineInput(InputMessage, { seqField: 'seq', bufferMaxSize: INPUT_BUFFER_MAX_INPUTS });
  protected readonly channel = new InputChannel(inputFieldsOf(InputMessage, INPUT_RANGES), 'seq', INPUT_BUFFER_MAX_INPUTS);
  private readonly inputFields = {
    seq: this.channel.fieldIndex('seq'), moveX: this.channel.fieldIndex('moveX'), moveY: this.channel.fieldIndex('moveY'),
    aim: this.channel.fieldIndex('aim'), fire: this.channel.fieldIndex('fire'), viewTick: this.channel.fieldIndex('viewTick'),
  };
  /** One input object per player, rewritten each step (the step keeps no reference to it). */
  private readonly playerInputs = new Map<string, PlayerInput>();

  /** The game this room runs (shared/game/definition.ts). */
  protected readonly game = ARENA_GAME;
  protected world!: World;
  private crowd!: CrowdCounter;
  /** Who sees what: areas of interest, priorities, spectators (server/interest/). */
  protected interest!: InterestManager;
  private readonly sync = new StateSync(this.state);
  /** This step's inputs: a new Map each step (clearing a long-lived one regrows its table in the old generation: see schemaViewDrain.ts). */
  private stepInputs = new Map<string, PlayerInput>();
  /** Rated players' μ by session, for the listing's mean skill (quick play by rating). */
  private readonly seatedSkills = new Map<string, number>();
  /** Set when the server records replays (REPLAY_DIR). */
  protected replay: ReplayRecorder<World, PlayerInput> | undefined;
  /** Set when the server keeps results: who played and how, for the match record. */
  protected ledger: MatchLedger | undefined;

  override async onCreate(rawOptions: unknown): Promise<void> {
    const options = parseJoinOptions(rawOptions);
    const kind = this.config.kind ?? 'arena';
    const { maxPlayers, map, isPrivate } = roomSetup(kind, options, this.config.defaultMaxPlayers);
    const attached = attachInterest(this, this.state, this.sync, map, this.config.interest ?? DEFAULT_INTEREST, (sessionId) => this.channel.acknowledged(sessionId), {
      afterFrame: (client) => this.afterClientPatch(client),
      slices: this.config.patchSlices ?? DEFAULT_PATCH_SLICES,
    });
    this.interest = attached.manager;
    this.patches = attached.patches;
    routeInputs(this, this.channel, CloseCode.WITH_ERROR);
    await this.openSeats(isPrivate, maxPlayers);
    const seed = seedFromString(this.roomId);
    this.world = this.game.createWorld(map, seed);
    if (this.config.replayDir) this.replay = new ReplayRecorder(this.config.replayDir, this.roomId, this.game, this.world, map, seed, this.config.replayChecksumTicks ?? 30);
    this.state.mapId = map.id;
    this.crowd = new CrowdCounter(this.state, map);
    await this.list({ code: this.roomId, private: isPrivate, mapId: map.id, kind, players: 0, maxPlayers, spectators: 0, maxSpectators: this.audience.maxSpectators, meanSkill: null });

    this.startTicking();
    const results = this.config.results;
    if (results !== undefined) {
      this.ledger = new MatchLedger(results.sink, { game: this.game.id, roomKind: kind, mapId: map.id });
      // Off the tick: the ledger builds the record, the store's queue writes it.
      this.clock.setInterval(() => this.ledger?.checkpoint(this.world), results.checkpointIntervalS * 1000);
    }
    this.lifecycle = new MatchLifecycle(this, () => this.world, this.config.lifecycle ?? DEFAULT_MATCH_LIFECYCLE, (info) => this.whenPatchDone(() => {
      this.state.matchEndsAtTick = info.endsAtTick ?? -1;
      this.state.draining = info.draining;
      this.state.reconnectWindowS = info.reconnectWindowS;
    }), (reason) => this.ledger?.finish(this.world, storedEndReason(reason))?.id);
    log.info({ roomId: this.roomId, private: isPrivate, map: map.id, maxClients: this.maxClients }, 'room created');
  }

  protected joinGame(client: Client, seat: Seat, name: string, auth: PlayerAuth | undefined): void {
    if (seat === 'player') {
      this.game.addPlayer(this.world, client.sessionId, name);
      if (auth?.skillMu !== undefined) this.seatedSkills.set(client.sessionId, auth.skillMu);
      this.ledger?.join(client.sessionId, auth?.profileId ?? null, name, this.world.tick);
      this.replay?.join(this.world, client.sessionId, name);
    }
    this.interest.addViewer(client.sessionId, seat);
  }

  protected leaveGame(client: Client, seat: Seat | undefined): void {
    this.interest.removeViewer(client.sessionId);
    if (seat === 'player') {
      this.ledger?.leave(client.sessionId, this.world.players.get(client.sessionId), this.world.tick);
      this.game.removePlayer(this.world, client.sessionId);
      this.replay?.leave(this.world, client.sessionId);
      this.sync.removePlayer(client.sessionId);
    }
    this.seatedSkills.delete(client.sessionId);
    this.playerInputs.delete(client.sessionId);
  }

  protected override spectateRequest(client: Client, request: SpectateMessage): void {
    this.interest.spectate(client.sessionId, request);
  }

  /** The mean skill of the room's rated players (quick play by rating). */
  protected override listingExtras(): Partial<ArenaMetadata> {
    return { meanSkill: meanSkillOf(this.seatedSkills.values()) };
  }

  override async onDispose(): Promise<void> {
    await super.onDispose();
    // Everyone left before the match's end: it is still a match that was played.
    if (this.ledger !== undefined && !this.ledger.ended) this.ledger.finish(this.world, 'abandoned');
    this.lifecycle?.disposed();
    await this.replay?.end(this.world);
  }

  /**
   * The state follows the simulation once per patch, not once per step: what happens between two
   * patches is never sent anyway, and each write costs schema's change tracking.
   */
  protected override stateForPatch(): void {
    this.sync.apply(this.world);
  }

  /** One fixed step: at most one input per player, then the shared simulation (public: the metrics wrapper times it). */
  override step(dtS: number): void {
    // Members read once into locals: Colyseus turns every room into a dictionary-mode object (its
    // `__init` defines accessors on the instance), so each `this.x` is a hash lookup.
    const stepInputs = new Map<string, PlayerInput>();
    this.stepInputs = stepInputs;
    const channel = this.channel;
    const f = this.inputFields;
    const world = this.world;
    const net = this.net;
    const playerInputs = this.playerInputs;
    const game = this.game;
    for (const player of world.players.values()) {
      net.observeDepth(player.id, channel.depth(player.id));
      // Skip anything at or below what was already applied (the buffer is bounded, so is this).
      let next = channel.take(player.id);
      while (next !== undefined && next[f.seq]! <= player.lastInputSeq) next = channel.take(player.id);
      if (next === undefined) continue;
      let input = playerInputs.get(player.id);
      if (input === undefined) playerInputs.set(player.id, (input = game.emptyInput()));
      const fire = next[f.fire] === 1;
      normalizeInputInto(next[f.seq]!, next[f.moveX]!, next[f.moveY]!, next[f.aim]!, fire, 0, input);
      if (fire) input.rewind = net.rewindFor(player.id, next[f.viewTick]!, world.tick + 1);
      stepInputs.set(player.id, input);
    }
    game.step(world, stepInputs, dtS);
    this.replay?.step(world, stepInputs);
    this.crowd.afterStep(world);
    this.announce();
    this.lifecycle.afterStep();
  }

  /** The step's kills to everyone, and damage dealt to the match record. */
  private announce(): void {
    for (const event of this.world.events) {
      if (event.type === 'hit') this.ledger?.damageDealt(event.shooterId, event.damage);
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
      for (const id of this.interest.audienceOf(event.victimId, event.killerId)) {
        const client = this.clients.getById(id);
        if (client !== undefined) this.sendAfterPatch(client, 'kill', kill);
      }
    }
  }
}

/** The arena room class bound to a server configuration. */
export function arenaRoom(config: RoomConfig): typeof ArenaRoom {
  const tokens = config.guestTokens;
  return class ConfiguredArenaRoom extends ArenaRoom {
    protected override config = config;

    static override async onAuth(token: string, options: unknown, context: AuthContext): Promise<PlayerAuth> {
      return tokens === undefined ? ArenaRoom.onAuth(token, options, context) : authorizeJoin(tokens, token, options, context?.ip, { check: config.profileCheck, game: ARENA_GAME.id });
    }
  };
}
