import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../server/security/guestTokens.ts';

/** A secret tests configure on their server so they can forge tokens the way an attacker would. */
export const TEST_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface ForgeOptions {
  secret?: string;
  alg?: 'HS256' | 'HS384' | 'HS512';
  sub?: string;
  /** Seconds relative to now. */
  expiresInS?: number;
  issuer?: string;
  audience?: string;
}

/** A signed guest token with chosen claims (defaults: valid for the test secret). */
export async function forgeToken(options: ForgeOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresInS = options.expiresInS ?? 600;
  return new SignJWT({})
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setSubject(options.sub ?? randomBytes(16).toString('base64url'))
    .setIssuer(options.issuer ?? TOKEN_ISSUER)
    .setAudience(options.audience ?? TOKEN_AUDIENCE)
    .setIssuedAt(Math.min(now, now + expiresInS - 60))
    .setExpirationTime(now + expiresInS)
    .sign(new TextEncoder().encode(options.secret ?? TEST_AUTH_SECRET));
}

/** An unsigned token (`alg: none`) carrying otherwise valid claims. */
export function unsignedToken(): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: randomBytes(16).toString('base64url'), iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now, exp: now + 600 };
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** A valid token whose payload was edited afterwards (the signature no longer matches). */
export function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
  claims.sub = randomBytes(16).toString('base64url');
  return `${header}.${b64(claims)}.${signature}`;
}
