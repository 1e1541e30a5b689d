import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PlayerRating } from '../ratings/rating.ts';
import { hashMatches, hashSecret, newCredentialId, newProfileId, newSecret, parseCredential, type Credential } from './credentials.ts';

export interface Profile {
  id: string;
  name: string;
  createdAt: number;
  /** By game id: the games a match has rated this profile in (none: a new profile). */
  ratings: Readonly<Record<string, GameRating>>;
  banned: boolean;
  banReason: string | null;
}

/** A profile's rating in one game. */
export interface GameRating {
  /** The shown rating (OpenSkill's ordinal): what the game's board sorts by. */
  rating: number;
  /** OpenSkill's estimate behind `rating`: what quick play compares (server/store/ratings/quickPlay.ts). */
  skill: PlayerRating;
  matchesPlayed: number;
}

export interface Visit {
  profile: Profile;
  /** Set when the browser must store a new cookie value (a new profile or a rotation). */
  credential?: Credential;
  created: boolean;
}

/** A credential is rotated on use once it is this old. */
export const CREDENTIAL_ROTATE_AFTER_MS = 60 * 60 * 1000;
/** After a rotation, the previous secret still works this long (two tabs that raced). */
export const CREDENTIAL_GRACE_MS = 2 * 60 * 1000;
/** A credential unused this long expires (also the cookie's Max-Age: browsers cap it at 400 days). */
export const CREDENTIAL_LIFETIME_MS = 400 * 24 * 60 * 60 * 1000;
/** A new profile's name until the player picks one. */
export const DEFAULT_PROFILE_NAME = 'Player';

type ProfileRow = Pick<Database['profiles'], 'id' | 'name' | 'created_at' | 'banned_at' | 'ban_reason'>;

const PROFILE_COLUMNS = ['id', 'name', 'created_at', 'banned_at', 'ban_reason'] as const;

/** The profile of `row`, with its ratings read by `db` (the caller's transaction, when it is in one). */
async function toProfile(db: Kysely<Database>, row: ProfileRow): Promise<Profile> {
  const rows = await db.selectFrom('ratings').select(['game', 'mu', 'sigma', 'rating', 'matches_played'])
    .where('profile_id', '=', row.id).where('matches_played', '>', 0).orderBy('game').execute();
  const ratings: Record<string, GameRating> = {};
  for (const r of rows) ratings[r.game] = { rating: r.rating, skill: { mu: r.mu, sigma: r.sigma }, matchesPlayed: r.matches_played };
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    ratings,
    banned: row.banned_at !== null,
    banReason: row.ban_reason,
  };
}

/** Profiles and their refresh credentials (no passwords: the browser's cookie is the key). */
export class ProfileStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<Profile | undefined> {
    const row = await this.db.selectFrom('profiles').select(PROFILE_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toProfile(this.db, row);
  }

  /**
   * A browser arrives with its cookie value (or none): the profile it holds, rotating the
   * credential when due; a missing, unknown, expired or revoked credential starts a new profile.
   */
  async visit(cookieValue: string | undefined, nowMs = Date.now()): Promise<Visit> {
    const presented = parseCredential(cookieValue);
    if (presented !== undefined) {
      const known = await this.resume(presented.id, presented.secret, nowMs);
      if (known !== undefined) return known;
    }
    return this.create(nowMs);
  }

  private async resume(id: string, secret: string, nowMs: number): Promise<Visit | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const cred = await tx.selectFrom('refresh_credentials').selectAll().where('id', '=', id).executeTakeFirst();
      if (cred === undefined || cred.revoked_at !== null || cred.expires_at <= nowMs) return undefined;
      const current = hashMatches(secret, cred.secret_hash);
      const previous = !current && nowMs - cred.rotated_at <= CREDENTIAL_GRACE_MS && hashMatches(secret, cred.prev_hash);
      if (!current && !previous) return undefined;
      const row = await tx.selectFrom('profiles').select(PROFILE_COLUMNS).where('id', '=', cred.profile_id).executeTakeFirst();
      if (row === undefined) return undefined;
      await tx.updateTable('profiles').set({ last_seen_at: nowMs }).where('id', '=', row.id).execute();
      let credential: Credential | undefined;
      if (current && nowMs - cred.rotated_at >= CREDENTIAL_ROTATE_AFTER_MS) {
        credential = newSecret(id);
        await tx.updateTable('refresh_credentials')
          .set({ secret_hash: hashSecret(credential.secret), prev_hash: cred.secret_hash, rotated_at: nowMs, expires_at: nowMs + CREDENTIAL_LIFETIME_MS })
          .where('id', '=', id).execute();
      } else {
        await tx.updateTable('refresh_credentials').set({ expires_at: nowMs + CREDENTIAL_LIFETIME_MS }).where('id', '=', id).execute();
      }
      return { profile: await toProfile(tx, row), credential, created: false };
    });
  }

  private async create(nowMs: number): Promise<Visit> {
    const id = newProfileId();
    const credential = newSecret(newCredentialId());
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('profiles').values({ id, name: DEFAULT_PROFILE_NAME, created_at: nowMs, last_seen_at: nowMs, banned_at: null, ban_reason: null }).execute();
      await tx.insertInto('refresh_credentials').values({
        id: credential.id, profile_id: id, secret_hash: hashSecret(credential.secret), prev_hash: null,
        rotated_at: nowMs, created_at: nowMs, expires_at: nowMs + CREDENTIAL_LIFETIME_MS, revoked_at: null,
      }).execute();
    });
    const profile = await this.get(id);
    return { profile: profile!, credential, created: true };
  }

  /** The player chose a name (already validated like every display name). */
  async rename(id: string, name: string): Promise<void> {
    await this.db.updateTable('profiles').set({ name }).where('id', '=', id).execute();
  }

  /** Every credential of the profile stops working (sign-out everywhere, ban, deletion). */
  async revokeCredentials(profileId: string, nowMs = Date.now()): Promise<number> {
    const r = await this.db.updateTable('refresh_credentials').set({ revoked_at: nowMs }).where('profile_id', '=', profileId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** One credential stops working (the browser signed out). */
  async revokeCredential(cookieValue: string | undefined, nowMs = Date.now()): Promise<boolean> {
    const presented = parseCredential(cookieValue);
    if (presented === undefined) return false;
    const cred = await this.db.selectFrom('refresh_credentials').select(['secret_hash']).where('id', '=', presented.id).executeTakeFirst();
    if (cred === undefined || !hashMatches(presented.secret, cred.secret_hash)) return false;
    await this.db.updateTable('refresh_credentials').set({ revoked_at: nowMs }).where('id', '=', presented.id).execute();
    return true;
  }

  async setBan(id: string, reason: string | null, nowMs = Date.now()): Promise<boolean> {
    const r = await this.db.updateTable('profiles').set(reason === null ? { banned_at: null, ban_reason: null } : { banned_at: nowMs, ban_reason: reason }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Delete a profile and its personal data: the profile, its ratings, its credentials; its match lines stay
   * (other players' results depend on them) with no profile and the name replaced.
   */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const r = await tx.deleteFrom('profiles').where('id', '=', id).executeTakeFirst();
      await tx.deleteFrom('ratings').where('profile_id', '=', id).execute();
      await tx.deleteFrom('refresh_credentials').where('profile_id', '=', id).execute();
      await tx.updateTable('match_lines').set({ profile_id: null, name: DELETED_NAME }).where('profile_id', '=', id).execute();
      return Number(r.numDeletedRows) > 0;
    });
  }
}

/** What a deleted player's lines show instead of the name. */
export const DELETED_NAME = '(deleted)';
