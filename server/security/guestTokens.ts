import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { MAX_TOKEN_CHARS } from './limits.ts';

/** Why a token was refused; also the metric label and the text after `auth_failed: `. */
export type TokenRejection = 'missing' | 'malformed' | 'expired' | 'bad_signature' | 'alg_not_allowed' | 'bad_claims';

export type TokenCheck = { ok: true; guestId: string; profileId?: string } | { ok: false; reason: TokenRejection };

export interface IssuedToken {
  token: string;
  /** Stable, non-secret id of this guest session (the token's subject). */
  guestId: string;
  /** The profile the token plays for (its `pid` claim), when the server keeps profiles. */
  profileId?: string;
  /** Milliseconds since the epoch. */
  expiresAtMs: number;
}

const ALGORITHM = 'HS256';
export const TOKEN_ISSUER = 'arena';
export const TOKEN_AUDIENCE = 'arena:play';
const GUEST_ID = /^[A-Za-z0-9_-]{22}$/;
/** Clock difference tolerated between processes that share the secret. */
const CLOCK_TOLERANCE_S = 5;

const JOSE_REASONS: Record<string, TokenRejection> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad_signature',
  ERR_JOSE_ALG_NOT_ALLOWED: 'alg_not_allowed',
  ERR_JOSE_NOT_SUPPORTED: 'alg_not_allowed',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'bad_claims',
};

/**
 * Guest sessions: a signed (HS256 only), expiring JWT whose subject is a random guest id. Issued
 * by POST /auth/guest, sent only in the Authorization header of matchmaking requests (never in a
 * URL: the client does not give it to the SDK's `auth.token`, which would put it in the WebSocket
 * URL), verified before any seat is reserved. The algorithm is pinned, so `alg: none` and
 * algorithm-confusion tokens are refused by construction.
 */
export class GuestTokens {
  private readonly key: Uint8Array;
  /** True when the secret was generated here: tokens die with this process. */
  readonly ephemeral: boolean;

  constructor(secret: string | null, private readonly ttlS: number) {
    this.ephemeral = secret === null;
    this.key = secret === null ? new Uint8Array(randomBytes(32)) : new TextEncoder().encode(secret);
  }

  /**
   * `profileId`: the profile the token plays for (22 base64url characters; its `pid` claim). The
   * subject stays a new random guest id per token: two tabs of one browser share a profile but are
   * two guests (two avatars), as before profiles.
   */
  async issue(nowMs = Date.now(), profileId?: string): Promise<IssuedToken> {
    if (profileId !== undefined && !GUEST_ID.test(profileId)) throw new Error('a profile id is 22 base64url characters');
    const guestId = randomBytes(16).toString('base64url');
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + this.ttlS;
    const token = await new SignJWT(profileId === undefined ? {} : { pid: profileId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(guestId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, guestId, profileId, expiresAtMs: exp * 1000 };
  }

  async verify(token: unknown): Promise<TokenCheck> {
    if (token === undefined || token === null || token === '') return { ok: false, reason: 'missing' };
    if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
      return { ok: false, reason: 'malformed' };
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      if (typeof payload.sub !== 'string' || !GUEST_ID.test(payload.sub)) return { ok: false, reason: 'bad_claims' };
      if (payload.pid === undefined) return { ok: true, guestId: payload.sub };
      if (typeof payload.pid !== 'string' || !GUEST_ID.test(payload.pid)) return { ok: false, reason: 'bad_claims' };
      return { ok: true, guestId: payload.sub, profileId: payload.pid };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      return { ok: false, reason: JOSE_REASONS[code] ?? 'malformed' };
    }
  }
}

/** The token in an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  return match?.[1];
}
