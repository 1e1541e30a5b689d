import { CloseCode, OnLeaveException, Room, ServerError, TimedEventException, TimestepException, type AuthContext, type Client, type RoomException, type RoomOptions } from '@colyseus/core';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { DEFAULT_MAX_SPECTATORS_PER_ROOM, MAX_MESSAGES_PER_SECOND, TICK_DT_S, TICK_HZ } from '../../shared/limits.ts';
import { clientMessageSchemas, type ArenaMetadata, type SpectateMessage } from '../../shared/messages.ts';
import { readInputFrameFor } from '../adapters/colyseusInput.ts';
import { FIXED_TIMESTEP_MAX_CATCHUP_STEPS, takeOverFixedTimestep } from '../adapters/colyseusRoom.ts';
import type { MatchLifecycle } from '../lifecycle/matchLifecycle.ts';
import type { InputChannel } from '../netcode/inputChannel.ts';
import { PatchCadence } from '../netcode/patchCadence.ts';
import type { SlicedPatch } from '../netcode/patchSlices.ts';
import { RoomNetcode } from '../netcode/roomNetcode.ts';
import { log } from '../observability/log.ts';
import { joinRejectionsTotal, roomErrorsTotal } from '../observability/metrics.ts';
import { guardOf } from '../security/connectionGuard.ts';
import { MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM } from '../security/limits.ts';
import { recordRejection } from '../security/rejections.ts';
import { parseJoinOptions, type PlayerAuth } from './joinOptions.ts';
import type { RoomConfig } from './roomConfig.ts';
import { Audience, type Seat } from './audience.ts';
import { DisplayNames } from './displayNames.ts';
import { GuestSeats } from './guestSeats.ts';
import { limitPendingSeats } from './pendingSeats.ts';
import { RoomChat } from './roomChat.ts';
import { batchWrites } from './socketBatch.ts';
import { allocateRoomCode } from './roomCode.ts';
import { ViolationTracker } from './violations.ts';

/**
 * What every room of this server does, whatever game it runs: seats (players and spectators, one
 * avatar per guest, names told apart), chat, the netcode's pings, each connection's input frames
 * from its guard into the room's input channel, reconnection and drain (MatchLifecycle), the
 * room's listing, contained errors, and what the admin API calls on a room (kick a profile, list
 * the players, close). A room adds its game through the hooks: `joinGame`/`leaveGame` for what a
 * seat means in the game, `spectateRequest` for a spectator's camera, `listingExtras` for its own
 * listing fields. ArenaRoom (interest management, results) and GameRoom (any replicated game) are
 * the two.
 */
export abstract class EngineRoom<T extends RoomOptions & { metadata: ArenaMetadata } = RoomOptions & { metadata: ArenaMetadata }> extends Room<T> {
  protected abstract readonly config: RoomConfig;
  override maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;
  /**
   * Colyseus' patch timer, idle until onCreate sets the rate (which the join handshake advertises);
   * it sends nothing (`broadcastPatch` below). Patches start with the steps, once the world exists:
   * a patch sent before the room existed (onCreate waits on the room list, Redis, to pick a code)
   * once threw outside the room and ended the process.
   */
  override patchRate: number | null = null;
  /** When the room steps and its patches leave: one timeline (server/netcode/patchCadence.ts). */
  private cadence: PatchCadence | undefined;
  /**
   * Set by a room whose serializer serves each client itself (interest management): its patches
   * may be served over several turns (server/netcode/patchSlices.ts), and it sends each client's
   * `afterClientPatch` right after that client's frame.
   */
  protected patches: SlicedPatch | undefined;
  /**
   * Messages that follow a client's next patch frame (`sendAfterPatch`), by session, and those the
   * patch under way carries (handed over as it begins; steps, which queue them, never run during a
   * patch). Those for a client the patch does not reach (still joining) are dropped with it.
   */
  private afterPatchMessages = new Map<string, Array<[type: string, message: unknown]>>();
  private patchMessages = new Map<string, Array<[type: string, message: unknown]>>();

  /** Each client's buffered inputs, read without Colyseus' decoder (server/netcode/inputChannel.ts). */
  protected abstract readonly channel: InputChannel;
  /** Strict sizes of this room's input frames for the connection guard (undefined: the arena's layout). */
  protected inputSizes: readonly number[] | undefined;
  protected lifecycle!: MatchLifecycle;
  protected audience!: Audience;
  /** Input-buffer reports, pings, per-client lag-compensation clamp (docs/NETCODE.md). */
  protected net!: RoomNetcode;
  private listedPrivate = false;
  protected readonly violations = new ViolationTracker(() => this.roomId);
  private readonly guestSeats = new GuestSeats();
  protected readonly names = new DisplayNames();
  private readonly chat = new RoomChat(this, this.names, this.violations);

  /** Runs before any seat is reserved: a bad name never gets a seat. */
  static override async onAuth(_token: string, options: unknown, context: AuthContext): Promise<PlayerAuth> {
    const parsed = parseJoinOptions(options);
    return { name: parsed.name, spectate: parsed.spectate, address: context?.ip };
  }

  /** What a player seat means in the game: a body in the world (and its records). */
  protected abstract joinGame(client: Client, seat: Seat, name: string, auth: PlayerAuth | undefined): void;
  /** The seat is gone for good: the game lets go of the client (`seat` undefined: it never had one). */
  protected abstract leaveGame(client: Client, seat: Seat | undefined): void;
  /** A well-formed camera request of a spectator (rooms without interest management ignore it). */
  protected spectateRequest(_client: Client, _request: SpectateMessage): void {}
  /** The room's own fields of its listing, brought up to date with the counts. */
  protected listingExtras(): Partial<ArenaMetadata> {
    return {};
  }
  /** A connection's inputs are open (GameRoom stamps Colyseus' acknowledgement from the channel). */
  protected inputsOpened(_client: Client): void {}
  /** One fixed step of the game (public: the metrics wrapper times it). */
  abstract step(dtS: number): void;
  /** Bring the replicated state up to the simulation, just before a patch encodes it. */
  protected abstract stateForPatch(): void;

  /**
   * Colyseus' patch timer still runs (the join handshake advertises its rate, which the clients'
   * clocks read) but sends nothing: the patches follow the steps (`startTicking`).
   */
  override broadcastPatch(): boolean {
    return false;
  }

  /**
   * One patch to every client (public: the metrics wrapper times it): the state brought up to date,
   * then Colyseus' own patch, and after each client's frame its netcode report when one is due and
   * the events queued for it (`sendAfterPatch`), each client's frames corked into one socket write.
   * A room with interest management may serve part of its clients in later turns (`continuePatch`).
   */
  sendPatch(): boolean {
    this.stateForPatch();
    if (this.afterPatchMessages.size > 0 || this.patchMessages.size > 0) {
      this.patchMessages = this.afterPatchMessages;
      this.afterPatchMessages = new Map();
    }
    return batchWrites(this.clients, () => {
      this.net.beginReports();
      const changed = Room.prototype.broadcastPatch.call(this);
      // A serializer that serves each client calls `afterClientPatch` itself, right after its frame.
      if (this.patches === undefined) for (const client of this.clients) this.afterClientPatch(client);
      return changed;
    });
  }

  /** The next slice of a patch served over several turns; true while more remain (public: the metrics wrapper times it). */
  continuePatch(): boolean {
    return this.patches?.continue() === true;
  }

  /** What follows `client`'s patch frame in the same write: its netcode report when due, and messages queued with `sendAfterPatch`. */
  protected afterClientPatch(client: Client): void {
    this.net.reportTo(client);
    const patchMessages = this.patchMessages;
    if (patchMessages.size === 0) return;
    const messages = patchMessages.get(client.sessionId);
    if (messages === undefined) return;
    for (const [type, message] of messages) client.send(type, message);
  }

  /**
   * Send `message` to `client` right after its next patch frame (what Colyseus' `afterNextPatch`
   * does, but in the client's own slice when a patch is served over several turns, so an event
   * never arrives before the patch that shows it).
   */
  protected sendAfterPatch(client: Client, type: string, message: unknown): void {
    const queued = this.afterPatchMessages.get(client.sessionId);
    if (queued === undefined) this.afterPatchMessages.set(client.sessionId, [[type, message]]);
    else queued.push([type, message]);
  }

  /**
   * Run `work` now, or, while a patch is being served over several turns, once it is complete: for
   * what changes the room's state or views outside a step (a player leaving, the match's flags),
   * which would otherwise change what the rest of the patch's clients get, or be lost with its changes.
   */
  protected whenPatchDone(work: () => void): void {
    if (this.cadence === undefined) work();
    else this.cadence.whenPatchDone(work);
  }

  /** The fixed steps and the patches, on one timeline (server/netcode/patchCadence.ts): once the world exists. */
  protected startTicking(): void {
    takeOverFixedTimestep(this, TICK_HZ);
    const patches = this.patches;
    // The cadence drives the slices through the room (whose `continuePatch` the metrics wrapper times).
    const sliced: SlicedPatch | undefined = patches === undefined ? undefined : {
      get inProgress() { return patches.inProgress; },
      continue: () => this.continuePatch(),
      finishNow: () => patches.finishNow(),
    };
    const cadence = new PatchCadence(TICK_HZ, this.config.patchIntervalMs, () => this.sendPatch(), (error) => this.onUncaughtException(new TimedEventException(error, 'patch'), 'setTimeout'), sliced);
    this.cadence = cadence;
    cadence.start(() => {
      // The room's clock (its timers: checkpoints, deadlines) advances with the steps, as under Colyseus' own.
      this.clock.tick();
      this.step(TICK_DT_S);
    }, (error) => this.onUncaughtException(new TimestepException(error, 'step'), 'setFixedTimestep'), FIXED_TIMESTEP_MAX_CATCHUP_STEPS);
  }

  override onDispose(): void | Promise<void> {
    this.cadence?.stop();
  }

  /**
   * The engine's part of onCreate, once the room knows its size: its code, seats, patch rate,
   * netcode and pending-seat limit. Then the room builds its world, and `list`s itself.
   */
  protected async openSeats(isPrivate: boolean, maxPlayers: number): Promise<void> {
    this.roomId = await allocateRoomCode(isPrivate);
    this.audience = new Audience(maxPlayers, this.config.maxSpectators ?? DEFAULT_MAX_SPECTATORS_PER_ROOM);
    this.maxClients = maxPlayers + this.audience.maxSpectators;
    this.patchRate = this.config.patchIntervalMs;
    this.net = new RoomNetcode(undefined, this.config.patchIntervalMs);
    if (this.config.seatReservationS !== undefined) this.seatReservationTimeout = this.config.seatReservationS;
    limitPendingSeats(this, MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM, this.config.rateLimitExempt);
  }

  /** The room's first listing (private rooms stay out of quick play), and its messages. */
  protected async list(metadata: ArenaMetadata): Promise<void> {
    await this.setMetadata(metadata as never);
    this.listedPrivate = metadata.private;
    if (metadata.private) await this.setPrivate(true);
    this.registerMessages();
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
    this.joinGame(client, seat, name, auth);
    this.net.join(client.sessionId);
    this.openInputs(client);
    this.publishAudience();
    this.chat.welcome(client);
  }

  // Reconnection and drain live in MatchLifecycle (which also ends a held seat when its guest
  // joins again: one avatar per guest); these hooks hand over.
  override onDrop(client: Client, code?: number): void {
    if (this.lifecycle.dropped(client, code) === undefined) return; // Colyseus calls onLeave next
    // What was buffered when the connection died is not played while the seat waits.
    this.channel.clear(client.sessionId);
  }

  override onReconnect(client: Client): void {
    // A new connection: the SDK numbers its inputs from 1 again, so the acknowledgement restarts
    // (the last input applied stays: `resumed` tells the client where its stream continues).
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
    this.net.leave(client.sessionId);
    this.channel.close(client.sessionId);
    // While a patch is being served, the game lets go of the client once it is complete.
    this.whenPatchDone(() => {
      try {
        this.leaveGame(client, seat);
      } catch (error) {
        this.onUncaughtException(new OnLeaveException(error instanceof Error ? error : new Error(String(error)), 'onLeave', client, undefined), 'onLeave');
      }
    });
    if (seat !== undefined) this.publishAudience();
    this.guestSeats.release(client.sessionId);
    this.names.release(client.sessionId);
    this.chat.forget(client.sessionId);
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

  /** A connection starts sending inputs: its guard hands them straight to the input channel. */
  private openInputs(client: Client): void {
    const channel = this.channel;
    const inputs = channel.open(client.sessionId);
    this.inputsOpened(client);
    guardOf(client.ref)?.deliverInputsTo((frame) => {
      if (!readInputFrameFor(channel, inputs, frame)) client.leave(CloseCode.WITH_ERROR, 'malformed input');
    }, this.inputSizes);
  }

  /** One avatar per guest: the older seat of a guest who joined again goes. */
  private evict(sessionId: string): void {
    recordRejection('connection', 'session_replaced', { roomId: this.roomId, sessionId });
    this.names.release(sessionId); // the guest's new seat keeps its name
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
    this.onMessage('spectate', (client, raw) => {
      const parsed = clientMessageSchemas.spectate.safeParse(raw);
      if (!parsed.success) return this.violations.record(client, 'invalid_message', `spectate: ${parsed.error.issues[0]?.message}`);
      this.spectateRequest(client, parsed.data);
    });
    this.onMessage('*', (client, type) => {
      this.violations.record(client, 'unknown_message', `type ${String(type).slice(0, 40)}`);
    });
  }

  /**
   * Keep the room's listing current: player and spectator counts (and the room's own fields), and
   * out of quick play while every player seat is taken (spectators can still join it by code).
   */
  protected publishAudience(): void {
    const meta = this.metadata as ArenaMetadata;
    const hidden = meta.private || this.audience.playersFull;
    if (hidden !== this.listedPrivate) {
      this.listedPrivate = hidden;
      void this.setPrivate(hidden);
    }
    void this.setMetadata({ ...meta, players: this.audience.playerCount, spectators: this.audience.spectatorCount, ...this.listingExtras() } as never);
  }
}
