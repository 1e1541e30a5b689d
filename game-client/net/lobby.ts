import { Client, type ClientOptions, type Room } from '@colyseus/sdk';
import { ARENA_ROOM } from '../../shared/constants.ts';
import type { JoinOptions, RoomListing } from '../../shared/messages.ts';
import { GuestAuth } from './guestAuth.ts';
import { ArenaSession } from './session.ts';
import { SpectatorSession } from './spectator.ts';
import type { ArenaStateView } from './stateTypes.ts';

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
  if (message.startsWith('rate_limited')) return new JoinError('Too many attempts from your network: wait a few seconds.', e.code);
  if (message.startsWith('origin_not_allowed')) return new JoinError('This page is not allowed to use the game server.', e.code);
  if (e?.code === 522 || /not found|invalid room id|locked/i.test(message)) {
    return new JoinError('No open room with that code (it may be full or finished).', e.code);
  }
  if (/fetch|network|ECONNREFUSED|Failed/i.test(message)) return new JoinError('Cannot reach the game server.', e.code);
  return new JoinError(message, e.code);
}

export interface LobbyOptions {
  /** Room type to matchmake into (default `arena`). */
  roomName?: string;
  /** Builds the SDK client (with the given options). Bots pass one that meters traffic or skips decoding state. */
  createClient?: (httpBase: string, options: ClientOptions) => Client;
  /** The guest to join as (default: a new guest session). */
  auth?: GuestAuth;
}

/** How to get into a room: quick play, a new private room, or an existing room's code. */
export type JoinRoute = { via: 'quick' } | { via: 'create'; maxPlayers?: number } | { via: 'code'; code: string };

/**
 * Matchmaking: everything a player does before being in a room. Returns an `ArenaSession` that
  * owns the connection from then on. Every join goes through `matchmake()`, so how joining works
 * (credentials, options) is decided in one place for players, tests and load-test bots. Each
 * `Lobby` is one guest session (a token fetched on first use, sent only with matchmaking
 * requests); pass a shared `GuestAuth` to join as the same guest.
 */
export class Lobby {
  private readonly client: Client;
  private readonly roomName: string;
  readonly auth: GuestAuth;

  constructor(private readonly httpBase: string, options: LobbyOptions = {}) {
    this.auth = options.auth ?? new GuestAuth(httpBase);
    const clientOptions: ClientOptions = { fetchFn: this.auth.fetch };
    this.client = options.createClient?.(httpBase, clientOptions) ?? new Client(httpBase, clientOptions);
    this.roomName = options.roomName ?? ARENA_ROOM;
  }

  async listRooms(signal?: AbortSignal): Promise<RoomListing[]> {
    const res = await fetch(`${this.httpBase}/api/rooms`, { signal, headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`room list failed: HTTP ${res.status}`);
    const body = (await res.json()) as { rooms: RoomListing[] };
    return body.rooms;
  }

  /** Fill an existing public room, or open one. */
  quickPlay(name: string): Promise<ArenaSession> {
    return this.enter({ via: 'quick' }, name);
  }

  /** A room that only people with its code can join. */
  createPrivate(name: string, options: { maxPlayers?: number } = {}): Promise<ArenaSession> {
    return this.enter({ via: 'create', ...options }, name);
  }

  /** `code` as a person typed it: surrounding spaces and letter case do not matter. */
  joinByCode(code: string, name: string): Promise<ArenaSession> {
    return this.enter({ via: 'code', code: code.trim().toUpperCase() }, name);
  }

  /** Watch a room by its code, without a player (see SpectatorSession). */
  async spectate(code: string, name: string): Promise<SpectatorSession> {
    try {
      return await SpectatorSession.open(await this.client.joinById<ArenaStateView>(code.trim().toUpperCase(), { name, spectate: true } satisfies JoinOptions));
    } catch (err) {
      throw explain(err);
    }
  }

  /**
   * Join and hand back the SDK room itself, without an `ArenaSession`: for light load-test bots
   * that never decode state (see game-client/bots/). Same matchmaking as the methods above.
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
        return this.client.joinOrCreate<S>(this.roomName, { name } satisfies JoinOptions);
      case 'create': {
        const options: JoinOptions = { name, private: true };
        if (route.maxPlayers !== undefined) options.maxPlayers = route.maxPlayers;
        return this.client.create<S>(this.roomName, options);
      }
      case 'code':
        return this.client.joinById<S>(route.code, { name } satisfies JoinOptions);
    }
  }

  private async enter(route: JoinRoute, name: string): Promise<ArenaSession> {
    try {
      return await ArenaSession.open(await this.matchmake<ArenaStateView>(route, name));
    } catch (err) {
      throw explain(err);
    }
  }
}
