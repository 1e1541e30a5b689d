import { log } from '../../observability/log.ts';
import type { PlayerRating } from '../ratings/rating.ts';
import { quickPlaySkill } from '../ratings/quickPlay.ts';
import type { ProfileStore } from './profiles.ts';

/** The check a room runs on a joining profile, for the room's game. */
export type ProfileCheck = (profileId: string, game: string) => Promise<ProfileJoin>;

/** A join waits at most this long on the database for its ban check. */
export const JOIN_CHECK_TIMEOUT_MS = 1000;

/** What the join check found: a refusal (a ban), and the rating quick play uses (profiles rated in the game only). */
export interface ProfileJoin {
  refusal?: string;
  skill?: PlayerRating;
}

/**
 * The join-time check of a profile for a room of `game`: a banned profile is refused with the
 * operator's reason; one rated in that game brings that rating (read here, before the seat, never
 * on the tick). When the database does
 * not answer in time the join is let through unrated (logged): players keep playing through a
 * database outage, and a ban takes effect again once it is back (docs/OPERATIONS.md).
 */
export function profileJoinCheck(profiles: ProfileStore, timeoutMs = JOIN_CHECK_TIMEOUT_MS): ProfileCheck {
  return async (profileId, game) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const profile = await Promise.race([
        profiles.get(profileId),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), timeoutMs); }),
      ]);
      if (profile?.banned) return { refusal: profile.banReason ?? 'banned by an operator' };
      const skill = quickPlaySkill(profile?.ratings[game]);
      return skill === undefined ? {} : { skill };
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'ban check skipped: the store did not answer');
      return {};
    } finally {
      clearTimeout(timer);
    }
  };
}
