/** What POST /auth/guest answers (server/security/guestAuthRoute.ts). */
interface GuestSession {
  token: string;
  expiresAtMs: number;
  /** The browser's profile, when the server keeps results (its cookie, HttpOnly, never seen here, finds it). */
  profile?: PlayerProfile | null;
}

/** A player's profile as the server shows it (server/security/guestAuthRoute.ts PublicProfile). */
export interface PlayerProfile {
  id: string;
  name: string;
  /** The arena's rating and rated matches (the server's default game). */
  rating: number;
  matchesPlayed: number;
  /** By game id, each game the profile has been rated in (absent from servers before per-game ratings). */
  ratings?: Record<string, { rating: number; matchesPlayed: number }>;
  banned: boolean;
}

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Fetch a new token this long before the current one expires. */
const REFRESH_MARGIN_MS = 60_000;
const MATCHMAKE_PATH = '/matchmake/';

/**
 * A guest session: one signed token from the server, kept in memory only (no storage; the
 * profile's refresh cookie is HttpOnly, sent only to /auth) and sent only in the Authorization header of matchmaking requests. It is deliberately not
 * given to the SDK's `client.auth.token`, which would also copy it into the WebSocket URL, where
 * proxies and servers log it. One `GuestAuth` = one guest = at most one avatar per room.
 */
export class GuestAuth {
  private session: GuestSession | undefined;
  private pending: Promise<GuestSession> | undefined;

  constructor(private readonly httpBase: string, private readonly fetchImpl: FetchLike = (input, init) => globalThis.fetch(input, init)) {}

  /** A valid token, fetching a new one when there is none or it is about to expire. */
  async token(): Promise<string> {
    if (this.session !== undefined && this.session.expiresAtMs - Date.now() > REFRESH_MARGIN_MS) return this.session.token;
    this.pending ??= this.fetchSession().finally(() => { this.pending = undefined; });
    this.session = await this.pending;
    return this.session.token;
  }

  /** The profile the last token was minted for (null: none; undefined: no token fetched yet). */
  get profile(): PlayerProfile | null | undefined {
    return this.session === undefined ? undefined : this.session.profile ?? null;
  }

  /**
   * Fetch a token now, setting the profile's display name to `name` when given (the profile owns
   * its name from then on). Answers the profile.
   */
  async signIn(name?: string): Promise<PlayerProfile | null> {
    await this.pending?.catch(() => undefined);
    this.pending = this.fetchSession(name).finally(() => { this.pending = undefined; });
    this.session = await this.pending;
    return this.session.profile ?? null;
  }

  /** Forget the token (the server refused it); the next call fetches a new one. */
  reset(): void {
    this.session = undefined;
  }

  /**
   * A `fetch` for the SDK's `fetchFn` option: matchmaking requests get the bearer token, no
   * request carries cookies, and a refused token is replaced once and the request retried.
   */
  readonly fetch: FetchLike = async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!new URL(url, this.httpBase).pathname.startsWith(MATCHMAKE_PATH)) return this.fetchImpl(input, { ...init, credentials: 'omit' });
    return this.withToken(input, init);
  };

  /** A request to this server that needs the guest token (quick play's room choice), retried once with a new token on 401. */
  async withToken(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const send = async () => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${await this.token()}`);
      return this.fetchImpl(input, { ...init, headers, credentials: 'omit' });
    };
    const first = await send();
    if (first.status !== 401) return first;
    this.reset();
    return send();
  }

  private async fetchSession(name?: string): Promise<GuestSession> {
    // The one request that carries the profile cookie (same origin only; Path=/auth keeps it off every other).
    const init: RequestInit = name === undefined
      ? { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } }
      : { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ name }) };
    const res = await this.fetchImpl(`${this.httpBase}/auth/guest`, init);
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      throw Object.assign(new Error(body.error ?? `guest session refused: HTTP ${res.status}`), { code: res.status });
    }
    const body = (await res.json()) as GuestSession;
    if (typeof body.token !== 'string' || typeof body.expiresAtMs !== 'number') throw new Error('guest session: unexpected answer');
    return body;
  }
}
