import { matchMaker } from '@colyseus/core';
import type { Application, Request, Response } from 'express';
import { z } from 'zod';
import { gameOfRoom } from '../../shared/games/catalog.ts';
import { ARENA_ROOM, BATTLE_ROOM } from '../../shared/limits.ts';
import { QUICK_PLAY_PATH, type ArenaMetadata, type QuickPlayAnswer } from '../../shared/messages.ts';
import { sendError } from '../http/errors.ts';
import { bearerToken, type GuestTokens } from '../security/guestTokens.ts';
import { profileJoinCheck } from '../store/profiles/joinCheck.ts';
import { chooseQuickPlayRoom, type QuickPlayRoom } from '../store/ratings/quickPlay.ts';
import type { Store } from '../store/store.ts';

const quickPlayQuery = z.strictObject({ kind: z.enum([ARENA_ROOM, BATTLE_ROOM]).default(ARENA_ROOM) });

/** Public rooms of `kind` that quick play could fill (Colyseus' own listing: private or locked rooms are left out). */
async function openRooms(kind: string): Promise<QuickPlayRoom[]> {
  const rooms = await matchMaker.query({ name: kind, private: false, locked: false });
  return rooms.map((r) => {
    const meta = (r.metadata ?? {}) as Partial<ArenaMetadata>;
    return {
      roomId: r.roomId,
      players: meta.players ?? r.clients,
      maxPlayers: meta.maxPlayers ?? r.maxClients,
      meanSkill: typeof meta.meanSkill === 'number' ? meta.meanSkill : null,
    };
  });
}

/**
 * `GET /api/quickplay?kind=arena`, with the guest token in the Authorization header (as
 * matchmaking's): which room quick play should fill for this player, chosen by the rating the store
 * holds for the token's profile in that room's game (docs/RESULTS.md "Quick play"). Nothing the client sends besides
 * the token and the room kind is read, so no rating can be claimed. A guest without a profile, an
 * unrated profile, a store that does not answer in time, or no room near the player's rating:
 * `roomId: null`, and the client matchmakes exactly as before. Errors are the fixed `{ code, error }`.
 */
export function mountQuickPlayApi(app: Application, tokens: GuestTokens, store: Store): void {
  const skillOf = profileJoinCheck(store.profiles);
  app.get(QUICK_PLAY_PATH, async (req: Request, res: Response) => {
    const q = quickPlayQuery.safeParse(req.query);
    if (!q.success) {
      const issue = q.error.issues[0];
      const detail = issue?.code === 'unrecognized_keys' ? 'unknown parameter' : `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`;
      return sendError(res, 400, `bad_request: query ${detail}`);
    }
    const check = await tokens.verify(bearerToken(req.headers.authorization));
    if (!check.ok) return sendError(res, 401, `auth_failed: ${check.reason}`);
    res.set('cache-control', 'no-store');
    // The rating of the game played in that kind of room (both kinds are the arena's).
    const skill = check.profileId === undefined ? undefined : (await skillOf(check.profileId, gameOfRoom(q.data.kind)!)).skill;
    if (skill === undefined) return void res.json({ roomId: null, reason: 'unrated' } satisfies QuickPlayAnswer);
    try {
      const roomId = chooseQuickPlayRoom(skill, await openRooms(q.data.kind)) ?? null;
      res.json({ roomId, reason: roomId === null ? 'none_near' : 'near_rating' } satisfies QuickPlayAnswer);
    } catch {
      // The room list did not answer (Redis down in a cluster): matchmaking answers for itself.
      sendError(res, 503, 'service_unavailable: matchmaking is unavailable right now', { 'retry-after': '5' });
    }
  });
}
