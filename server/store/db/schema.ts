/**
 * The store's tables, as Kysely sees them (server/store/db/migrations.ts creates them). Times are
 * milliseconds since the epoch (bigint columns read as numbers on both engines). No table holds an
 * IP address next to match data (SECURITY.md, "What the store keeps").
 */
export interface Database {
  profiles: ProfilesTable;
  ratings: RatingsTable;
  refresh_credentials: RefreshCredentialsTable;
  matches: MatchesTable;
  match_lines: MatchLinesTable;
  admin_audit: AdminAuditTable;
}

export interface ProfilesTable {
  /** 22 base64url characters: also the subject of the guest tokens minted for it. */
  id: string;
  name: string;
  created_at: number;
  last_seen_at: number;
  /** Set while the profile is banned (ms since the epoch), with the operator's reason. */
  banned_at: number | null;
  ban_reason: string | null;
  // The arena's rating columns of 002_matches (rating_mu, rating_sigma, rating, matches_played)
  // are still in the table, defaults and all, for processes of the previous release during a
  // rolling upgrade (004_game_ratings); this release reads and writes `ratings` only.
}

/** One profile's rating in one game (since 004_game_ratings): a row once a match of that game rated it. */
export interface RatingsTable {
  profile_id: string;
  /** The game's id (shared/games/catalog.ts). */
  game: string;
  /** OpenSkill's estimate and its uncertainty (server/store/ratings/rating.ts). */
  mu: number;
  sigma: number;
  /** What the game's rating board sorts by: OpenSkill's ordinal (mu − 3σ), a conservative estimate. */
  rating: number;
  matches_played: number;
}

export interface RefreshCredentialsTable {
  /** Public half of the cookie value: finds the row. */
  id: string;
  profile_id: string;
  /** SHA-256 (hex) of the secret half; the secret itself is never stored. */
  secret_hash: string;
  /** The hash before the last rotation, honoured for a short grace (two tabs racing). */
  prev_hash: string | null;
  rotated_at: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export type MatchStatus = 'running' | 'ended';
/**
 * Why a match ended: its time ran out, the game decided it by play (a score reached), everyone left,
 * the server drained, or its process was lost.
 */
export type MatchEndReason = 'time' | 'decided' | 'abandoned' | 'drained' | 'interrupted';

export interface MatchesTable {
  id: string;
  game: string;
  room_kind: string;
  map_id: string;
  /** Which server process ran it (`host:port` or PUBLIC_ADDRESS): it closes its own leftovers on restart. */
  instance: string;
  status: MatchStatus;
  end_reason: MatchEndReason | null;
  started_at: number;
  ended_at: number | null;
  duration_ms: number;
  checkpoint_at: number;
  /** 1 when the match changed ratings (its game's). */
  rated: number;
}

export interface MatchLinesTable {
  match_id: string;
  /** Position of the line in its match (a profile may be deleted; the line stays, anonymised). */
  seat: number;
  profile_id: string | null;
  /** The name the player had in that match. */
  name: string;
  kills: number;
  deaths: number;
  damage: number;
  time_played_ms: number;
  placing: number;
  rating_before: number | null;
  rating_after: number | null;
}

export interface AdminAuditTable {
  id: string;
  at: number;
  action: string;
  target: string;
  detail: string;
  ok: number;
}
