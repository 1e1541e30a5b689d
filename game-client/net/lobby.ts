import { Client } from '@colyseus/sdk';
import { ARENA_ROOM } from '../../shared/constants.ts';
import type { JoinOptions, RoomListing } from '../../shared/messages.ts';
import { ArenaSession } from './session.ts';
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
  if (e?.code === 522 || /not found|invalid room id|locked/i.test(message)) {
    return new JoinError('No open room with that code (it may be full or finished).', e.code);
  }
  if (/fetch|network|ECONNREFUSED|Failed/i.test(message)) return new JoinError('Cannot reach the game server.', e.code);
  if (e?.code === 503 || /^(matchmaking_unavailable|server_draining)/.test(message)) {
    return new JoinError('Matchmaking is unavailable right now (the server is restarting or busy). Try again in a moment.', e.code);
  }
  return new JoinError(message, e.code);
}

/**
 * Matchmaking: everything a player does before being in a room. Returns an `ArenaSession` that
 * owns the connection from then on.
 */
export class Lobby {
  private readonly client: Client;

  constructor(private readonly httpBase: string) {
    this.client = new Client(httpBase);
  }

  async listRooms(signal?: AbortSignal): Promise<RoomListing[]> {
    const res = await fetch(`${this.httpBase}/api/rooms`, { signal, headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`room list failed: HTTP ${res.status}`);
    const body = (await res.json()) as { rooms: RoomListing[] };
    return body.rooms;
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
    return this.enter(() => this.client.joinOrCreate<ArenaStateView>(ARENA_ROOM, { name } satisfies JoinOptions));
  }

  /** A room that only people with its code can join. */
  createPrivate(name: string): Promise<ArenaSession> {
    return this.enter(() => this.client.create<ArenaStateView>(ARENA_ROOM, { name, private: true } satisfies JoinOptions));
  }

  joinByCode(code: string, name: string): Promise<ArenaSession> {
    const clean = code.trim().toUpperCase();
    return this.enter(() => this.client.joinById<ArenaStateView>(clean, { name } satisfies JoinOptions));
  }

  private async enter(join: () => Promise<import('@colyseus/sdk').Room<any, ArenaStateView>>): Promise<ArenaSession> {
    try {
      return await ArenaSession.open(await join(), undefined, { reconnect: { roomExists: (id) => this.roomExists(id) } });
    } catch (err) {
      throw explain(err);
    }
  }
}
