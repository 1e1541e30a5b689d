import { TICK_HZ } from '../../shared/limits.ts';

/**
 * Server-only security settings: what an operator may change (environment variables, see the
 * README's configuration table and SECURITY.md) and the fixed per-connection limits.
 * Every number carries its unit in its name.
 */
export interface SecurityConfig {
  /**
   * Exact origins (`scheme://host[:port]`) allowed to open WebSockets and to call matchmaking and
   * the guest endpoint. `'auto'`: this server's own origins (localhost, 127.0.0.1, [::1], the
   * listening address, and every local interface address when listening on all interfaces).
   */
  allowedOrigins: readonly string[] | 'auto';
  /**
   * Refuse requests without an Origin header. Browsers always send one on WebSocket upgrades and
   * cross-origin POSTs, so a missing Origin is never a cross-site browser request; off by
   * default so Node bots and tools can connect (they still need a guest token).
   */
  requireOrigin: boolean;
  /** Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed. */
  trustedProxies: readonly string[];
  /**
   * Client addresses or CIDR ranges exempt from the per-address limits (open connections,
   * matchmaking and guest-token rates): your own load generators. Per-connection message limits,
   * Origin and token checks still apply to them. Empty by default.
   */
  rateLimitExemptIps: readonly string[];
  /** HMAC secret for guest tokens (at least 32 bytes). `null`: random per process. */
  authSecret: string | null;
  /** Lifetime of a guest token. */
  guestTokenTtlS: number;
  /**
   * Open WebSockets per client address (upgrade refused with 429 above it). Raw TCP sockets per
   * peer address may be `TCP_SOCKETS_ABOVE_WEBSOCKETS` more, so a client at its WebSocket limit
   * still gets its HTTP requests and the documented 429 instead of a reset.
   */
  maxConnectionsPerIp: number;
  /** Sustained matchmaking requests per client address (the burst is half a minute's worth). */
  joinsPerIpPerMinute: number;
  /** Sustained guest-token requests per client address (the burst is half a minute's worth). */
  guestTokensPerIpPerMinute: number;
  /** A WebSocket that has not acknowledged its join by then is closed (JOIN_TIMEOUT). */
  joinAckTimeoutMs: number;
  /** A reserved seat nobody connects to is released after this. */
  seatReservationS: number;
  /** A socket that sends no complete request headers within this is closed. */
  headersTimeoutMs: number;
  /** Server -> client bytes queued for one WebSocket before it is dropped as a slow reader. */
  maxBufferedBytes: number;
}

/** Largest body accepted on POST /matchmake/* and /auth/guest. */
export const MAX_HTTP_BODY_BYTES = 4096;
/** Message fragments allowed per WebSocket message (clients send each message in one frame). */
export const MAX_FRAGMENTS_PER_MESSAGE = 4;
/** Unparsed network chunks ws may hold for one connection (bounds a trickled frame). */
export const MAX_BUFFERED_CHUNKS = 64;
/** How long ws waits for the peer's close frame before destroying the socket. */
export const WS_CLOSE_TIMEOUT_MS = 2000;
/** How often WebSockets are checked for a growing send buffer. */
export const SLOW_CONSUMER_CHECK_MS = 250;
/** Nesting depth allowed in a message payload (chat is one level). */
export const MAX_PAYLOAD_DEPTH = 8;
/** Longest message type name accepted. */
export const MAX_MESSAGE_TYPE_CHARS = 32;
/** Longest Authorization bearer token considered. */
export const MAX_TOKEN_CHARS = 1024;

export interface BucketLimit {
  /** Sustained rate. */
  ratePerS: number;
  /** Messages allowed at once above the sustained rate. */
  burst: number;
}

/**
 * Per-connection token buckets, by kind of frame. A frame over its bucket is dropped and
 * counted; a connection that keeps going over (more than `burst` drops net of the refill) is
 * closed with RATE_LIMITED. Inputs: one per tick, with room for jitter and catch-up bursts.
 */
export const FRAME_LIMITS = {
  input: { ratePerS: TICK_HZ * 2, burst: TICK_HZ },
  message: { ratePerS: 10, burst: 40 },
  request: { ratePerS: 5, burst: 10 },
  ping: { ratePerS: 2, burst: 10 },
  control: { ratePerS: 1, burst: 5 },
} as const satisfies Record<string, BucketLimit>;
export type FrameKind = keyof typeof FRAME_LIMITS;

/** Chat lines one player may broadcast (checked after validation: invalid lines are strikes). */
export const CHAT_LIMIT: BucketLimit = { ratePerS: 1, burst: 5 };

/**
 * TCP sockets a peer may hold beyond its WebSocket limit: room for its HTTP requests (matchmaking,
 * the room list, the client files) and for the one upgrade that gets the 429.
 */
export const TCP_SOCKETS_ABOVE_WEBSOCKETS = 16;

/** Raw TCP sockets one peer address may hold (its WebSockets plus the headroom above). */
export function tcpSocketsPerPeer(limits: Pick<SecurityConfig, 'maxConnectionsPerIp'>): number {
  return limits.maxConnectionsPerIp + TCP_SOCKETS_ABOVE_WEBSOCKETS;
}

/**
 * Seats one client address may hold in one room without playing yet: reserved through matchmaking
 * but not connected, or connected but the join not acknowledged. Spectator seats count (they are
 * seats of the room too). Above it, the reservation is refused, so a few addresses re-reserving
 * cannot keep a room looking full for everyone else.
 */
export const MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM = 4;

/** Secrets a client can present, each with its own guessing budget (secretGuesses.ts). */
export const SECRET_KINDS = ['room_code', 'reconnection_token', 'guest_token', 'dashboard_token', 'metrics_token', 'admin_token'] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

export interface GuessLimit {
  /** Failed attempts one client address may make (a success costs nothing: it only confirms what the client knew). */
  perAddressFailures: BucketLimit;
  /** Failed attempts of all addresses together, per process. */
  globalFailures: BucketLimit;
}

/**
 * Budgets of failed guesses for everything that confirms or spends a secret. The room-code budget
 * is what the private-room code length is derived from (SECURITY.md, "Guessing secrets"); the
 * others guard secrets of 54 bits and more, where the budget mostly bounds the work an attacker
 * can cause.
 */
export const GUESS_LIMITS: Record<SecretKind, GuessLimit> = {
  // GET /api/rooms/{code}, POST /matchmake/joinById/{code}: 6 wrong codes in a row, then one per 5 s.
  room_code: { perAddressFailures: { ratePerS: 0.2, burst: 6 }, globalFailures: { ratePerS: 20, burst: 200 } },
  // POST /matchmake/reconnect/{room}, WebSocket upgrades that carry a reconnection token.
  reconnection_token: { perAddressFailures: { ratePerS: 0.2, burst: 12 }, globalFailures: { ratePerS: 10, burst: 100 } },
  // The bearer token of every matchmaking request (a forged one; an expired real one is no guess).
  guest_token: { perAddressFailures: { ratePerS: 0.2, burst: 6 }, globalFailures: { ratePerS: 20, burst: 200 } },
  // POST /dashboard/login, the dashboard's session cookie and bearer token: 10 in a row, then 10 a minute.
  dashboard_token: { perAddressFailures: { ratePerS: 1 / 6, burst: 10 }, globalFailures: { ratePerS: 5, burst: 100 } },
  // The bearer token of /metrics.
  metrics_token: { perAddressFailures: { ratePerS: 0.2, burst: 6 }, globalFailures: { ratePerS: 5, burst: 100 } },
  // The admin API's token (X-Admin-Token header): 6 wrong in a row, then one per 5 s.
  admin_token: { perAddressFailures: { ratePerS: 0.2, burst: 6 }, globalFailures: { ratePerS: 5, burst: 100 } },
};

/**
 * What the private-room code length must withstand (SECURITY.md, "Guessing secrets"): every process
 * of a large cluster spending its whole room-code budget for a room's lifetime must find one of the
 * open private rooms with at most this chance. test/security/guessing.test.ts checks that
 * PRIVATE_ROOM_CODE_CHARS is the shortest length that holds.
 */
export const PRIVATE_CODE_THREAT = {
  /** Processes behind one address (each has its own global budget). */
  processes: 32,
  /** How long a private room stays open (rooms live while players stay; a day is generous). */
  roomLifetimeS: 24 * 3600,
  /** Private rooms open at once, any of which the attacker would be glad to find. */
  openPrivateRooms: 10_000,
  /** Chance of finding any of them in that time. */
  acceptableChance: 1e-3,
} as const;

/** Distinct client addresses tracked by one per-address limiter before the stalest is dropped. */
export const MAX_TRACKED_ADDRESSES = 50_000;

export const DEFAULT_SECURITY: SecurityConfig = {
  allowedOrigins: 'auto',
  requireOrigin: false,
  trustedProxies: [],
  rateLimitExemptIps: [],
  authSecret: null,
  guestTokenTtlS: 6 * 3600,
  maxConnectionsPerIp: 64,
  joinsPerIpPerMinute: 60,
  guestTokensPerIpPerMinute: 60,
  joinAckTimeoutMs: 10_000,
  seatReservationS: 10,
  headersTimeoutMs: 10_000,
  maxBufferedBytes: 512 * 1024,
};

function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer from 1 to ${max} (got "${raw}")`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false (got "${raw}")`);
}

/** An origin as browsers send it: scheme, host and non-default port, nothing else. */
export function normalizeOrigin(raw: string): string {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`origin "${raw}" must be http or https`);
  if (url.pathname !== '/' || url.search || url.hash || url.username) throw new Error(`origin "${raw}" must be scheme://host[:port] only`);
  return url.origin;
}

/** Security settings from environment variables (the rest keep their defaults). */
export function loadSecurityConfig(env: NodeJS.ProcessEnv = process.env): SecurityConfig {
  const origins = list(env.ALLOWED_ORIGINS);
  const secret = env.AUTH_SECRET || null;
  if (secret !== null && Buffer.byteLength(secret) < 32) throw new Error('AUTH_SECRET must be at least 32 bytes long');
  return {
    ...DEFAULT_SECURITY,
    allowedOrigins: origins.length === 0 || (origins.length === 1 && origins[0] === 'auto') ? 'auto' : origins.map(normalizeOrigin),
    requireOrigin: bool(env, 'REQUIRE_ORIGIN', DEFAULT_SECURITY.requireOrigin),
    trustedProxies: list(env.TRUSTED_PROXIES),
    rateLimitExemptIps: list(env.RATE_LIMIT_EXEMPT_IPS),
    authSecret: secret,
    guestTokenTtlS: positiveInt(env, 'GUEST_TOKEN_TTL_S', DEFAULT_SECURITY.guestTokenTtlS, 30 * 24 * 3600),
    maxConnectionsPerIp: positiveInt(env, 'MAX_CONNECTIONS_PER_IP', DEFAULT_SECURITY.maxConnectionsPerIp, 1_000_000),
    joinsPerIpPerMinute: positiveInt(env, 'JOINS_PER_IP_PER_MINUTE', DEFAULT_SECURITY.joinsPerIpPerMinute, 1_000_000),
    guestTokensPerIpPerMinute: positiveInt(env, 'GUEST_TOKENS_PER_IP_PER_MINUTE', DEFAULT_SECURITY.guestTokensPerIpPerMinute, 1_000_000),
  };
}
