import { ServerError } from '@colyseus/core';
import type { z } from 'zod';
import { JOIN_REJECTIONS } from '../../shared/closeCodes.ts';
import { joinOptionsSchema } from '../../shared/messages.ts';
import { joinRejectionsTotal } from '../observability/metrics.ts';
import type { GuestTokens } from '../security/guestTokens.ts';
import { recordRejection, type RejectionReason } from '../security/rejections.ts';
import type { RoomConfig } from './roomConfig.ts';

type JoinOptions = z.output<typeof joinOptionsSchema>;
/** What the static onAuth hands a room with each seat; `address` is the client address the edge resolved. */
/** `skillMu`: the profile's rating (μ) in the room's game read from the store at join, when it is rated; never from the client. */
export interface PlayerAuth { name: string; guestId?: string; profileId?: string; skillMu?: number; spectate?: boolean; address?: string }

/** Parse join/create options or refuse with a reason the client can show. */
export function parseJoinOptions(raw: unknown): JoinOptions {
  const parsed = joinOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    joinRejectionsTotal.inc({ reason: JOIN_REJECTIONS.INVALID_OPTIONS });
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ServerError(400, `${JOIN_REJECTIONS.INVALID_OPTIONS}: ${where}${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * The whole join check, run in the static `onAuth` before any seat is reserved: a valid guest
 * token (its subject becomes the player's guest id; nothing the client sends can choose it),
 * then the options.
 */
export async function authorizeJoin(
  tokens: GuestTokens, token: string | undefined, options: unknown, address?: string,
  profile?: { check: RoomConfig['profileCheck']; game: string },
): Promise<PlayerAuth> {
  const check = await tokens.verify(token);
  if (!check.ok) {
    joinRejectionsTotal.inc({ reason: JOIN_REJECTIONS.AUTH_FAILED });
    recordRejection('auth', `token_${check.reason}` as RejectionReason);
    throw new ServerError(401, `${JOIN_REJECTIONS.AUTH_FAILED}: ${check.reason}`);
  }
  const parsed = parseJoinOptions(options);
  const found = profile?.check === undefined || check.profileId === undefined ? {} : await profile.check(check.profileId, profile.game);
  if (found.refusal !== undefined) {
    joinRejectionsTotal.inc({ reason: JOIN_REJECTIONS.BANNED });
    throw new ServerError(403, `${JOIN_REJECTIONS.BANNED}: ${found.refusal}`);
  }
  return { name: parsed.name, guestId: check.guestId, profileId: check.profileId, skillMu: found.skill?.mu, spectate: parsed.spectate, address };
}
