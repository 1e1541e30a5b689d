import express, { type Application, type Request, type Response } from 'express';
import { z } from 'zod';
import { DEFAULT_GAME_ID } from '../../shared/games/ids.ts';
import { displayName } from '../../shared/messages.ts';
import { log } from '../observability/log.ts';
import { GUEST_AUTH_PATH } from './edge.ts';
import type { GuestTokens } from './guestTokens.ts';
import type { Profile } from '../store/profiles/profiles.ts';
import { CREDENTIAL_LIFETIME_MS } from '../store/profiles/profiles.ts';
import { displayRating, INITIAL_RATING } from '../store/ratings/rating.ts';
import type { Store } from '../store/store.ts';
import { sendError } from '../http/errors.ts';

/** What POST /auth/guest answers (the client keeps it in memory only). */
export interface GuestSession {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAtMs: number;
  /** The player's profile when the server keeps results (null: a guest without one). */
  profile?: PublicProfile | null;
}

export interface PublicProfile {
  id: string;
  name: string;
  /** The arena's rating and rated matches (DEFAULT_GAME_ID), as before ratings were kept per game. */
  rating: number;
  matchesPlayed: number;
  /** By game id, each game the profile has been rated in. */
  ratings: Record<string, { rating: number; matchesPlayed: number }>;
  banned: boolean;
}

/** The refresh credential's cookie. Its path is /auth: no other request carries it. */
export const PROFILE_COOKIE = 'arena_profile';
export const PROFILE_COOKIE_PATH = '/auth';
const MAX_BODY = '1kb';
const guestBody = z.strictObject({ name: displayName.optional() });

export interface ProfileAuth {
  store: Store;
  /** Mark the cookie Secure (the server terminates TLS itself, or a trusted proxy said https). */
  secure: (req: Request) => boolean;
}

export function publicProfile(p: Profile): PublicProfile {
  const ratings: PublicProfile['ratings'] = {};
  for (const [game, r] of Object.entries(p.ratings)) ratings[game] = { rating: r.rating, matchesPlayed: r.matchesPlayed };
  const own = ratings[DEFAULT_GAME_ID] ?? { rating: displayRating(INITIAL_RATING), matchesPlayed: 0 };
  return { id: p.id, name: p.name, rating: own.rating, matchesPlayed: own.matchesPlayed, ratings, banned: p.banned };
}

/**
 * The guest-session endpoint. POST (never GET) so no link, image or prefetch can mint one, and
 * the edge has already checked Origin and the per-address rate before this runs. The token is in
 * the body only.
 *
 * With a store, the guest token is minted from the browser's profile: the refresh credential in
 * the `arena_profile` cookie (HttpOnly, SameSite=Strict, Path=/auth, Secure under TLS) finds it,
 * and is rotated when due; without one (a first visit, a cleared browser) a new profile is made.
 * The token's subject is the profile id. The credential appears only in Set-Cookie and Cookie
 * headers: never in a URL, a body or a log line (the logger redacts cookie headers). An optional
 * JSON body `{ name }` sets the profile's display name (validated like every name).
 */
export function mountGuestAuth(app: Application, tokens: GuestTokens, profiles?: ProfileAuth): void {
  // The optional `{ name }` body is read only when there are profiles to name.
  const body = profiles === undefined ? [] : [express.json({ limit: MAX_BODY, strict: true })];
  app.post(GUEST_AUTH_PATH, ...body, async (req, res, next) => {
    try {
      if (profiles === undefined) {
        const issued = await tokens.issue();
        return void res.set('cache-control', 'no-store').json({ token: issued.token, expiresAtMs: issued.expiresAtMs } satisfies GuestSession);
      }
      const parsed = guestBody.safeParse(req.body ?? {});
      if (!parsed.success) return sendError(res, 400, `invalid_options: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      await answerWithProfile(req, res, tokens, profiles, parsed.data.name);
    } catch (err) {
      next(err);
    }
  });

  // Sign out on this browser: its credential is revoked and the cookie cleared (a new visit starts a new profile).
  if (profiles !== undefined) {
    app.post(`${PROFILE_COOKIE_PATH}/signout`, async (req, res, next) => {
      try {
        if (!sameOrigin(req)) return sendError(res, 403, 'origin_not_allowed');
        await profiles.store.profiles.revokeCredential(readCookie(req.headers.cookie, PROFILE_COOKIE));
        res.append('set-cookie', cookieHeader('', 0, profiles.secure(req))).set('cache-control', 'no-store').status(204).end();
      } catch (err) {
        next(err);
      }
    });
  }
}

async function answerWithProfile(req: Request, res: Response, tokens: GuestTokens, profiles: ProfileAuth, name: string | undefined): Promise<void> {
  let profile: Profile | undefined;
  try {
    const visit = await profiles.store.profiles.visit(readCookie(req.headers.cookie, PROFILE_COOKIE));
    profile = visit.profile;
    if (name !== undefined && name !== profile.name) {
      await profiles.store.profiles.rename(profile.id, name);
      profile = { ...profile, name };
    }
    if (visit.credential !== undefined) {
      res.append('set-cookie', cookieHeader(visit.credential.value, Math.floor(CREDENTIAL_LIFETIME_MS / 1000), profiles.secure(req)));
    }
  } catch (err) {
    // The database is away: the player still gets a guest token (no profile this time), and plays.
    log.warn({ err: (err as Error).message }, 'profile unavailable: issuing a guest token without one');
  }
  const issued = await tokens.issue(Date.now(), profile?.id);
  const body: GuestSession = { token: issued.token, expiresAtMs: issued.expiresAtMs, profile: profile === undefined ? null : publicProfile(profile) };
  res.set('cache-control', 'no-store').json(body);
}

function cookieHeader(value: string, maxAgeS: number, secure: boolean): string {
  return `${PROFILE_COOKIE}=${value}; Path=${PROFILE_COOKIE_PATH}; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** One cookie's value from a Cookie header (the first of that name), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Sign-out is a state change: only from this server's own pages (SameSite=Strict already, and Origin). */
function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && origin === `${req.protocol}://${req.headers.host}`;
}
