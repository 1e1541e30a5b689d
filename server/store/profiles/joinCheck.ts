import { log } from '../../observability/log.ts';
import type { PlayerRating } from '../ratings/rating.ts';
import { quickPlaySkill } from '../ratings/quickPlay.ts';
import type { ProfileStore } from './profiles.ts';

/** A join waits at most this long on the database for its ban check. */
export const JOIN_CHECK_TIMEOUT_MS = 1000;

/** What the join check found: a refusal (a ban), and the rating quick play uses (rated profiles only). */
export interface ProfileJoin {
  refusal?: string;
  skill?: PlayerRating;
}

/**
 * The join-time check of a profile: a banned profile is refused with the operator's reason; a rated
 * one brings its rating (read here, before the seat, never on the tick). When the database does
 * not answer in time the join is let through unrated (logged): players keep playing through a
 * database outage, and a ban takes effect again once it is back (docs/OPERATIONS.md).
 */
export function profileJoinCheck(profiles: ProfileStore, timeoutMs = JOIN_CHECK_TIMEOUT_MS): (profileId: string) => Promise<ProfileJoin> {
  return async (profileId) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const profile = await Promise.race([
        profiles.get(profileId),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), timeoutMs); }),
      ]);
      if (profile?.banned) return { refusal: profile.banReason ?? 'banned by an operator' };
      const skill = quickPlaySkill(profile);
      return skill === undefined ? {} : { skill };
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'ban check skipped: the store did not answer');
      return {};
    } finally {
      clearTimeout(timer);
    }
  };
}
