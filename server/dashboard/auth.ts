import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/**
 * Dashboard sign-in without putting the token in a URL (EventSource cannot send headers, and
 * URLs end up in logs and history): the operator posts the token once through a form, and gets
 * a signed, HttpOnly, SameSite=Strict session cookie the browser sends with the event stream.
 * Scripts may send `Authorization: Bearer <token>` instead.
 *
 * The cookie is `v1.<expiryMs>.<HMAC(expiry)>` keyed by the token itself: nothing is stored,
 * it is valid on every process that shares the token, and changing the token signs everyone out.
 */

export const SESSION_COOKIE = 'arena_dashboard';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time comparison of a presented secret with the configured one. */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 1024) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

function sign(token: string, expiryMs: number): string {
  return createHmac('sha256', `arena-dashboard-session:${token}`).update(String(expiryMs)).digest('base64url');
}

export function issueSession(token: string, nowMs = Date.now()): string {
  const expiry = nowMs + SESSION_TTL_MS;
  return `v1.${expiry}.${sign(token, expiry)}`;
}

export function sessionValid(value: string | undefined, token: string, nowMs = Date.now()): boolean {
  if (typeof value !== 'string') return false;
  const [version, expiryText, mac] = value.split('.');
  const expiry = Number(expiryText);
  if (version !== 'v1' || !Number.isSafeInteger(expiry) || expiry <= nowMs || mac === undefined) return false;
  const expected = Buffer.from(sign(token, expiry));
  const actual = Buffer.from(mac);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * One cookie's value from the request (no cookie-parsing middleware needed for one name). A value
 * that is not valid percent-encoding is returned as it is: it is still what the client presented
 * (and fails the signature check like any other wrong value), never an exception.
 */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/** Whether the request presents any dashboard credential (a session cookie or a bearer token). */
export function presentsCredential(req: Request): boolean {
  return readCookie(req, SESSION_COOKIE) !== undefined || bearerToken(req) !== undefined;
}

/** Signed in by cookie, or presenting the token as a bearer token. */
export function authorised(req: Request, token: string): boolean {
  return sessionValid(readCookie(req, SESSION_COOKIE), token) || secretMatches(bearerToken(req), token);
}
