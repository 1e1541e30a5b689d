/**
 * Rates, sizes and limits of the engine that server and client must agree on: the tick and patch
 * rates, the wire's grid, rooms, messages, connection keeping, netcode and interest management.
 * They are the same whatever game runs; a game's own tuning is in shared/tuning.ts. Each has its
 * unit in its name.
 *
 * Why 30 Hz and not 60: one input == one fixed step, so the tick rate is also the client's
 * input send rate. Every input is a WebSocket frame the server must read, parse and buffer;
 * at 60 Hz that per-message cost dominates the server's CPU long before the simulation does
 * (see bench/). Projectiles are swept per tick (segment tests), so 30 Hz does not tunnel,
 * and remote players are interpolated, so the lower rate is not visible.
 */

/** Fixed simulation (and input) rate. */
export const TICK_HZ = 30;
/** Fixed step length in seconds: the only `dt` the simulation ever sees. */
export const TICK_DT_S = 1 / TICK_HZ;
/** Fixed step length in milliseconds. */
export const TICK_MS = 1000 / TICK_HZ;
/** Default state patch rate: the one source of it (the PATCH_HZ setting overrides it per server, server/config.ts). */
export const DEFAULT_PATCH_HZ = 20;
/** Default interval between state patches. */
export const DEFAULT_PATCH_INTERVAL_MS = 1000 / DEFAULT_PATCH_HZ;

/**
 * Positions (px) and velocities (px/s) are snapped to this grid after every step, and the wire
 * carries them as 16-bit integers on the same grid (shared/wire.ts), so what a client receives
 * is bit for bit the server's simulated value and prediction replays from exactly it. 1/8 is a
 * power of two (exact in binary); 16 bits of it span 0–8191.875 px, the largest map allowed.
 */
export const POSITION_QUANTUM_PX = 1 / 8;

/** Aim is sent as an unsigned 16-bit fraction of a full turn. */
export const AIM_STEPS_PER_TURN = 65536;

// --- Rooms and limits ---
export const ARENA_ROOM = 'arena';
export const DEFAULT_MAX_PLAYERS_PER_ROOM = 16;
export const MAX_PLAYERS_PER_ROOM_LIMIT = 64;
/** The large-room mode: up to this many players on a map sized for the room (shared/maps.ts). */
export const BATTLE_ROOM = 'battle';
export const BATTLE_MAX_PLAYERS = 200;
/** Spectators a room admits besides its players, unless the server is configured otherwise. */
export const DEFAULT_MAX_SPECTATORS_PER_ROOM = 16;
export const NAME_MAX_CHARS = 16;
/** Public rooms' codes: short, since the room list shows them anyway (they guard nothing). */
export const PUBLIC_ROOM_CODE_CHARS = 5;
/**
 * Private rooms' codes: the code is the only key to the room, so it is as long as the guessing
 * budget demands (31^10 ≈ 8.2e14; the arithmetic is in SECURITY.md, "Guessing secrets", and
 * test/security/guessing.test.ts checks it against the budget in server/security/limits.ts).
 */
export const PRIVATE_ROOM_CODE_CHARS = 10;
/** Unambiguous alphabet for room codes a person reads aloud and types (no 0/O, 1/I/L). */
export const ROOM_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CHAT_MAX_CHARS = 200;
/** Recent chat lines a room keeps and sends to each player who joins. */
export const CHAT_HISTORY_LINES = 20;

/** Largest WebSocket message the server accepts (the transport closes with 1009 above it). */
export const MAX_MESSAGE_BYTES = 2048;
/** Inputs a client may have queued on the server; older ones are dropped (and acknowledged). */
export const INPUT_BUFFER_MAX_INPUTS = 16;
/**
 * Messages (all kinds, inputs included) one connection may send per second before Colyseus closes
 * it. A backstop only: the per-kind token buckets (server/security/limits.ts) act first.
 */
export const MAX_MESSAGES_PER_SECOND = TICK_HZ * 6;
/** Schema-invalid messages tolerated per connection before it is closed. */
export const MAX_VIOLATIONS_PER_CLIENT = 20;

// --- Connection keeping (docs/SCALING.md) ---
/** How long a dropped player's seat, position, health and score are kept by default (server: RECONNECT_WINDOW_S). */
export const DEFAULT_RECONNECT_WINDOW_S = 20;
/** A client that hears nothing from the server for this long treats the connection as dead and reconnects. */
export const SERVER_SILENCE_TIMEOUT_MS = 4000;
/** Reconnection backoff: first retry after 0.5-1x this, doubling per attempt (with jitter) up to the cap. */
export const RECONNECT_BACKOFF_BASE_MS = 250;
export const RECONNECT_BACKOFF_MAX_MS = 4000;
/** A reconnection attempt that has not opened within this long is abandoned and retried. */
export const RECONNECT_ATTEMPT_TIMEOUT_MS = 5000;
/**
 * A client stops sending inputs while it has heard nothing from the server for this long. Input
 * sent into a stalled network or a frozen server arrives later as one burst, and a burst over
 * MAX_MESSAGES_PER_SECOND gets the connection closed (4002) with no reconnection.
 */
export const INPUT_PAUSE_AFTER_SILENCE_MS = 1000;

/** Default HTTP/WebSocket port. */
export const DEFAULT_PORT = 2567;

// --- Netcode (see docs/NETCODE.md) ---
/**
 * Longest a shot may be rewound for lag compensation. The server clamps each client further,
 * to what its measured round trip plus interpolation delay explains.
 */
export const LAG_COMP_MAX_TICKS = 30;
/** Inputs carry the tick the shooter was viewing modulo this (one byte on the wire). */
export const VIEW_TICK_MODULO = 256;
/**
 * Server -> client netcode report cadence (input-buffer depth, ping, measured RTT). Reports ride
 * the patch cycle (the same socket write as the patch), every this many ms rounded to patches.
 */
export const NET_REPORT_INTERVAL_MS = 200;
/** Largest interpolation delay a `netp` pong may report (the schema's bound; clients clamp to [0, this]). */
export const NET_PONG_DELAY_MAX_MS = 5000;
/** Longest interpolation delay a client uses (its adaptive delay's ceiling). */
export const INTERP_DELAY_MAX_MS = 500;
// --- Interest management (see docs/INTEREST.md) ---
/**
 * The most of the world a client's camera shows at once, whatever the screen (a small screen
 * shows part of it, following the player; game-client/ui/hudLayout.ts).
 */
export const VIEWPORT_WIDTH_PX = 1600;
export const VIEWPORT_HEIGHT_PX = 1000;
/**
 * A client receives every entity within this distance outside its camera rectangle (covers
 * interpolation delay and latency: both sides moving at full speed for ~300 ms)...
 */
export const AOI_MARGIN_PX = 160;
/** ...and keeps receiving it until it is this much farther out (no flicker at the edge). */
export const AOI_HYSTERESIS_PX = 160;
/** Aim of other players travels in this many bits (display only; prediction uses its own). */
export const AIM_WIRE_BITS = 8;
