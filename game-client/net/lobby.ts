import type { ClientOptions, Room } from '@colyseus/sdk';
import { ARENA_ROOM } from '../../shared/limits.ts';
import type { GameDefinition } from '../../shared/game/definition.ts';
import type { MapId } from '../../shared/maps.ts';
import { QUICK_PLAY_PATH, type JoinOptions, type QuickPlayAnswer, type RoomListing } from '../../shared/messages.ts';
import { normalizeRoomCode } from '../../shared/roomCode.ts';
import { GuestAuth } from './guestAuth.ts';
import { NetClient, type NetClientOptions } from './netClient.ts';
import type { PlaySession } from './playSession.ts';
import { ReplicaSession } from './replicaSession.ts';
import { fetchRooms } from './roomList.ts';
import { ArenaSession, type NetTuning, type SessionOptions } from './session.ts';
import { SpectatorSession } from './spectator.ts';
import type { ArenaStateView } from './stateTypes.ts';

/** Quick play waits at most this long for that choice before matchmaking as usual. */
const QUICK_PLAY_CHOICE_TIMEOUT_MS = 2000;

/** A join that failed, with text a player can read. */
export class JoinError extends Error {
  constructor(message: string, readonly code: number | undefined) {
    super(message);
    this.name = 'JoinError';
  }
}

function explain(err: unknown): JoinError {
  const e = err as { code?: number; message?: string };
  const message = e?.message ?? String(err);
  if (message.startsWith('invalid_options')) return new JoinError(message.replace(/^invalid_options:\s*/, ''), e.code);
  if (message.startsWith('auth_failed')) return new JoinError('Your guest session is no longer valid: reload the page.', e.code);
  if (message.startsWith('room_full')) return new JoinError('That room is full: try quick play, or watch it.', e.code);
  if (message.startsWith('spectators_full')) return new JoinError('No spectator seat left in that room.', e.code);
  if (message.startsWith('too_many_guesses')) return new JoinError('Too many wrong room codes from your network: wait a minute.', e.code);
  if (message.startsWith('rate_limited')) return new JoinError('Too many attempts from your network: wait a few seconds.', e.code);
  if (message.startsWith('origin_not_allowed')) return new JoinError('This page is not allowed to use the game server.', e.code);
  if (message.startsWith('room_not_found')) {
    return new JoinError('No open room with that code (it may be full or finished).', e.code);
  }
  if (/fetch|network|ECONNREFUSED|Failed/i.test(message)) return new JoinError('Cannot reach the game server.', e.code);
  if (e?.code === 503 || /^(matchmaking_unavailable|server_draining)/.test(message)) {
    return new JoinError('Matchmaking is unavailable right now (the server is restarting or busy). Try again in a moment.', e.code);
  }
  return new JoinError(message, e.code);
}

/** `netsim` runs the game connection through the network condition simulator (dev, bots, tests). */
export interface LobbyOptions extends NetClientOptions {
  /** Room type to matchmake into (default `arena`). */
  roomName?: string;
  /**
   * Games served by the generic room (server/rooms/GameRoom.ts) this lobby can open a room of, by
   * its room name, when it enters by code (`enterByCode`); any other room is an arena room.
   */
  games?: readonly GameDefinition<any, any, any>[];
  /** Builds the SDK client. Bots pass a `NetClient` subclass that meters more or skips decoding state. */
  createClient?: (httpBase: string, options: ClientOptions, net: NetClientOptions) => NetClient;
  /** The guest to join as (default: a new guest session); `null` for servers without guest tokens (benchmark baselines). */
  auth?: GuestAuth | null;
  /** Netcode tuning overrides for the sessions this lobby opens (tests, benchmarks). */
  tuning?: NetTuning;
}

/** What a room creator may choose. */
export interface CreateOptions {
  maxPlayers?: number;
  map?: MapId;
}

/** How to get into a room: quick play, a new private room, or an existing room's code. */
export type JoinRoute = { via: 'quick' } | ({ via: 'create' } & CreateOptions) | { via: 'code'; code: string };

/**
 * Matchmaking: everything a player does before being in a room. Returns an `ArenaSession` that
  * owns the connection from then on. Every join goes through `matchmake()`, so how joining works
 * (credentials, options) is decided in one place for players, tests and load-test bots. Each
 * `Lobby` is one guest session (a token fetched on first use, sent only with matchmaking
 * requests); pass a shared `GuestAuth` to join as the same guest.
 */
export class Lobby {
  private readonly client: NetClient;
  private readonly roomName: string;
  private readonly tuning: NetTuning;
  private readonly games: readonly GameDefinition<any, any, any>[];
  readonly auth: GuestAuth | null;

  constructor(private readonly httpBase: string, options: LobbyOptions = {}) {
    this.auth = options.auth === null ? null : options.auth ?? new GuestAuth(httpBase);
    const clientOptions: ClientOptions = this.auth === null ? {} : { fetchFn: this.auth.fetch };
    const net: NetClientOptions = { netsim: options.netsim };
    this.client = options.createClient?.(httpBase, clientOptions, net) ?? new NetClient(httpBase, net, clientOptions);
    this.roomName = options.roomName ?? ARENA_ROOM;
    this.tuning = options.tuning ?? {};
    this.games = options.games ?? [];
  }

  listRooms(signal?: AbortSignal): Promise<RoomListing[]> {
    return fetchRooms(this.httpBase, signal);
  }

  /** Whether a room still exists anywhere in the cluster (undefined: cannot tell right now). */
  async roomExists(code: string): Promise<boolean | undefined> {
    try {
      const res = await fetch(`${this.httpBase}/api/rooms/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' } });
      return res.status === 404 ? false : res.ok ? true : undefined;
    } catch {
      return undefined;
    }
  }

  /** Fill an existing public room, or open one. */
  quickPlay(name: string): Promise<ArenaSession> {
    return this.enter({ via: 'quick' }, name);
  }

  /** A room that only people with its code can join (on the default map unless `map` says otherwise). */
  createPrivate(name: string, options: CreateOptions = {}): Promise<ArenaSession> {
    return this.enter({ via: 'create', ...options }, name);
  }

  /** `code` as a person typed it: spaces, dashes and letter case do not matter. */
  joinByCode(code: string, name: string): Promise<ArenaSession> {
    return this.enter({ via: 'code', code: normalizeRoomCode(code) }, name);
  }

  /**
   * Quick play into this lobby's room type for `game`, a game served by the generic room
   * (server/rooms/GameRoom.ts): the fullest public room with a seat, else a new one. Such rooms
   * keep no ratings, so the server's rated choice is not asked.
   */
  async playGame<W, I extends { seq: number }>(game: GameDefinition<W, I, any>, name: string): Promise<ReplicaSession<W, I>> {
    try {
      return await this.openGame(await this.client.joinOrCreate<unknown>(this.roomName, { name } satisfies JoinOptions), game);
    } catch (err) {
      throw explain(err);
    }
  }

  /**
   * Join (or, with `watch`, watch) the room with `code` as a person typed it, whatever it plays: a
   * room of one of this lobby's `games` opens with that game's session, any other as an arena
   * room. What the lobby's code field and room list do (a friend may give a ball room's code).
   */
  async enterByCode(code: string, name: string, watch = false): Promise<PlaySession> {
    try {
      const room = await this.client.joinById<any>(normalizeRoomCode(code), (watch ? { name, spectate: true } : { name }) satisfies JoinOptions);
      const game = this.games.find((g) => g.rooms.some((r) => r.name === room.name));
      if (game !== undefined) return await this.openGame(room, game);
      return watch ? await SpectatorSession.open(room, this.sessionOptions()) : await ArenaSession.open(room, undefined, this.sessionOptions());
    } catch (err) {
      throw explain(err);
    }
  }

  /** A joined room of `game` (a spectator's seat too: its session then sends no inputs). */
  private openGame<W, I extends { seq: number }>(room: Room<any, unknown>, game: GameDefinition<W, I, any>): Promise<ReplicaSession<W, I>> {
    return ReplicaSession.open(room, game, { pacer: this.tuning.pacer, reconnect: this.sessionOptions().reconnect }).catch((err: unknown) => {
      // Not a room of that game after all (or no state): do not keep a seat we will never use.
      void room.leave(true).catch(() => undefined);
      throw err;
    });
  }

  /** Watch a room by its code, without a player (see SpectatorSession). */
  async spectate(code: string, name: string): Promise<SpectatorSession> {
    try {
      return await SpectatorSession.open(await this.client.joinById<ArenaStateView>(normalizeRoomCode(code), { name, spectate: true } satisfies JoinOptions), this.sessionOptions());
    } catch (err) {
      throw explain(err);
    }
  }

  /**
   * Join and hand back the SDK room itself, without an `ArenaSession`: for light load-test bots
   * that never decode state (see tools/bots/). Same matchmaking as the methods above.
   */
  async joinRoom(route: JoinRoute, name: string): Promise<Room<any, unknown>> {
    try {
      return await this.matchmake<unknown>(route, name);
    } catch (err) {
      throw explain(err);
    }
  }

  private matchmake<S>(route: JoinRoute, name: string): Promise<Room<any, S>> {
    switch (route.via) {
      case 'quick':
        return this.quickMatch<S>(name);
      case 'create': {
        const options: JoinOptions = { name, private: true };
        if (route.maxPlayers !== undefined) options.maxPlayers = route.maxPlayers;
        if (route.map !== undefined) options.map = route.map;
        return this.client.create<S>(this.roomName, options);
      }
      case 'code':
        return this.client.joinById<S>(route.code, { name } satisfies JoinOptions);
    }
  }

  /**
   * Quick play: the server names a room near this player's rating when there is one (its choice, from
   * its own store; docs/RESULTS.md "Quick play"); otherwise, or when that room filled meanwhile or
   * the server keeps no ratings, the fullest public room with space, else a new one (joinOrCreate).
   */
  private async quickMatch<S>(name: string): Promise<Room<any, S>> {
    const options = { name } satisfies JoinOptions;
    const roomId = await this.ratedRoomChoice();
    if (roomId !== undefined) {
      try {
        return await this.client.joinById<S>(roomId, options);
      } catch (err) {
        const message = (err as { message?: string })?.message ?? '';
        if (!/^(room_full|room_not_found)/.test(message)) throw err;
      }
    }
    return this.client.joinOrCreate<S>(this.roomName, options);
  }

  /** The room the server picks by rating, or undefined (no profile, unrated, none near, or no answer). */
  private async ratedRoomChoice(): Promise<string | undefined> {
    if (this.auth === null) return undefined;
    try {
      await this.auth.token();
      // A server without results gives guests no profile: nothing to ask.
      if (!this.auth.profile) return undefined;
      const url = `${this.httpBase}${QUICK_PLAY_PATH}?kind=${encodeURIComponent(this.roomName)}`;
      const res = await this.auth.withToken(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(QUICK_PLAY_CHOICE_TIMEOUT_MS) });
      if (!res.ok) return undefined;
      const body = (await res.json()) as Partial<QuickPlayAnswer>;
      return typeof body.roomId === 'string' && body.roomId.length > 0 ? body.roomId : undefined;
    } catch {
      return undefined;
    }
  }

  private async enter(route: JoinRoute, name: string): Promise<ArenaSession> {
    try {
      return await ArenaSession.open(await this.matchmake<ArenaStateView>(route, name), undefined, this.sessionOptions());
    } catch (err) {
      throw explain(err);
    }
  }

  private sessionOptions(): SessionOptions {
    return { tuning: this.tuning, reconnect: { roomExists: (id) => this.roomExists(id) } };
  }
}
