import type { GameDefinition } from '../game/definition.ts';
import { ARENA_GAME } from './arena/definition.ts';
import { BALL_GAME } from './ball/definition.ts';

/** The games this server hosts. */
export const GAMES: readonly GameDefinition<any, any>[] = [ARENA_GAME, BALL_GAME];

/** The game played in the room type `roomName` (`battle` is the arena's), or undefined. */
export function gameOfRoom(roomName: string, games: readonly GameDefinition<any, any>[] = GAMES): string | undefined {
  return games.find((g) => g.rooms.some((r) => r.name === roomName))?.id;
}

/** One room type a server hosts, as `GET /api/games` lists it for the lobby and tools. */
export interface GameListing {
  /** Stable identifier: the game's, and the room name for its other room types (`battle`). */
  id: string;
  /** The Colyseus room name to matchmake into. */
  roomName: string;
  /** Player seats of a room created without asking for a size (spectators come on top). */
  playersPerRoom: number;
  /** One line for people. */
  description: string;
}

/**
 * What `GET /api/games` lists: every room type of every game. `defaultMaxPlayers`: the room size
 * the server gives a room whose creator does not choose one (the MAX_PLAYERS setting).
 */
export function gameListings(defaultMaxPlayers: number, games: readonly GameDefinition<any, any>[] = GAMES): GameListing[] {
  return games.flatMap((game) => game.rooms.map((room, i) => ({
    id: i === 0 ? game.id : room.name,
    roomName: room.name,
    playersPerRoom: room.playersPerRoom === 'configured' ? defaultMaxPlayers : room.playersPerRoom,
    description: room.description,
  })));
}
