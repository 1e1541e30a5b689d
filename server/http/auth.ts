import type { Application } from 'express';
import { GUEST_AUTH_PATH } from '../security/edge.ts';
import type { GuestTokens } from '../security/guestTokens.ts';

/** What POST /auth/guest answers (the client keeps it in memory only). */
export interface GuestSession {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAtMs: number;
}

/**
 * The guest-session endpoint. POST (never GET) so no link, image or prefetch can mint one, and
 * the edge has already checked Origin and the per-address rate before this runs. The token is in
 * the body only: no cookie, nothing a cross-site request could carry along by itself.
 */
export function mountGuestAuth(app: Application, tokens: GuestTokens): void {
  app.post(GUEST_AUTH_PATH, async (_req, res, next) => {
    try {
      const issued = await tokens.issue();
      const body: GuestSession = { token: issued.token, expiresAtMs: issued.expiresAtMs };
      res.set('cache-control', 'no-store').json(body);
    } catch (err) {
      next(err);
    }
  });
}
