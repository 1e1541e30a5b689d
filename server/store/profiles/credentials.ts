import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The refresh credential a browser keeps in its cookie: `<id>.<secret>`, both random. The id finds
 * the row; only SHA-256 of the secret is stored (a 256-bit random secret needs no slow hash: there is
 * nothing to guess from the hash), compared in constant time.
 */
export interface Credential {
  id: string;
  secret: string;
  /** The cookie value. */
  value: string;
}

const ID_BYTES = 16;
const SECRET_BYTES = 32;
const VALUE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export function newCredentialId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

export function newSecret(id: string): Credential {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, secret, value: `${id}.${secret}` };
}

/** The cookie value's parts, or undefined when it is not one of ours. */
export function parseCredential(value: string | undefined): { id: string; secret: string } | undefined {
  if (value === undefined) return undefined;
  const m = VALUE.exec(value);
  return m === null ? undefined : { id: m[1]!, secret: m[2]! };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function hashMatches(secret: string, storedHex: string | null): boolean {
  if (storedHex === null) return false;
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new profile id: 22 base64url characters, the shape guest tokens carry as their subject. */
export function newProfileId(): string {
  return randomBytes(16).toString('base64url');
}
