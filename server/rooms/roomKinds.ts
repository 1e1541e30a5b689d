import { ServerError } from '@colyseus/core';
import { JOIN_REJECTIONS } from '../../shared/closeCodes.ts';
import { ARENA_ROOM, BATTLE_MAX_PLAYERS, BATTLE_ROOM, MAX_PLAYERS_PER_ROOM_LIMIT } from '../../shared/limits.ts';
import { battleMapFor, getMap, type GameMap } from '../../shared/maps.ts';
import type { JoinOptions } from '../../shared/messages.ts';
import { joinRejectionsTotal } from '../observability/metrics.ts';

/**
 * The two room types: `arena` (rooms of up to 64 on the arena or duel map) and `battle`, the
 * large-room mode (up to 200 players on a battle map sized for the room, shared/maps.ts).
 */
export type RoomKindName = 'arena' | 'battle';

export interface RoomSetup {
  maxPlayers: number;
  map: GameMap;
  /** Hidden from quick play and the public list (join by code). */
  isPrivate: boolean;
}

function refuse(field: string, reason: string): never {
  joinRejectionsTotal.inc({ reason: JOIN_REJECTIONS.INVALID_OPTIONS });
  throw new ServerError(400, `${JOIN_REJECTIONS.INVALID_OPTIONS}: ${field}: ${reason}`);
}

/** Room size and map of a new room of `kind`, from its creator's (validated) options. */
export function roomSetup(kind: RoomKindName, options: Partial<JoinOptions>, defaultMaxPlayers: number): RoomSetup {
  if (options.spectate === true) refuse('spectate', 'a room is created by a player');
  if (kind === 'battle') {
    if (options.map !== undefined) refuse('map', 'battle rooms size their own map');
    const maxPlayers = options.maxPlayers ?? BATTLE_MAX_PLAYERS;
    return { maxPlayers, map: battleMapFor(maxPlayers), isPrivate: options.private === true };
  }
  const maxPlayers = options.maxPlayers ?? defaultMaxPlayers;
  if (maxPlayers > MAX_PLAYERS_PER_ROOM_LIMIT) refuse('maxPlayers', `at most ${MAX_PLAYERS_PER_ROOM_LIMIT} in an ${ARENA_ROOM} room (a ${BATTLE_ROOM} room takes ${BATTLE_MAX_PLAYERS})`);
  const map = getMap(options.map ?? 'arena');
  // Quick play must always land on the default map, so other maps are join-by-code only.
  return { maxPlayers, map, isPrivate: options.private === true || map.id !== 'arena' };
}
