import { z } from 'zod';
import { MAP_IDS } from './maps.ts';
import { normalizeRoomCode } from './roomCode.ts';
import { BATTLE_MAX_PLAYERS, CHAT_MAX_CHARS, NAME_MAX_CHARS, NET_PONG_DELAY_MAX_MS, PRIVATE_ROOM_CODE_CHARS, PUBLIC_ROOM_CODE_CHARS, ROOM_CODE_ALPHABET } from './limits.ts';

/**
 * Schemas for everything a client may say besides inputs. The server validates every message
 * against these before any handler runs; the client imports only the inferred types.
 * Objects are strict: an unknown key (including `__proto__`) is a violation.
 */

/**
 * Characters that change how text renders rather than what it says: controls, soft hyphen,
 * zero-width and joiner characters, bidi marks, embeddings, overrides and isolates, invisible
 * fillers (Hangul, Khmer, Mongolian), variation selectors, interlinear annotations, tag characters.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;
/** More than this many combining marks on one character is "zalgo" text that draws over its neighbours. */
const STACKED_MARKS = /(\p{M}{3})\p{M}+/gu;

export function cleanText(text: string): string {
  return text.replace(/[\t\n\v\f\r]/g, ' ').replace(INVISIBLE_OR_CONTROL, '').replace(STACKED_MARKS, '$1').replace(/\s+/g, ' ').trim();
}

export const displayName = z
  .string()
  .max(NAME_MAX_CHARS * 4)
  .transform(cleanText)
  .pipe(z.string().min(1, 'name is empty').max(NAME_MAX_CHARS, `name is longer than ${NAME_MAX_CHARS} characters`));

const roomCodePattern = new RegExp(`^([${ROOM_CODE_ALPHABET}]{${PUBLIC_ROOM_CODE_CHARS}}|[${ROOM_CODE_ALPHABET}]{${PRIVATE_ROOM_CODE_CHARS}})$`);
export const roomCode = z.string().max(64).transform(normalizeRoomCode).pipe(z.string().regex(roomCodePattern, 'not a room code'));

/** Options a client passes to join or create an arena room. */
export const joinOptionsSchema = z.strictObject({
  name: displayName,
  /** Create only: hide the room from quick play and the public list (join by code). */
  private: z.boolean().optional(),
  /** Create only: room size (each room type has its own limit: arena 64, battle 200). */
  maxPlayers: z.number().int().min(2).max(BATTLE_MAX_PLAYERS).optional(),
  /** Create only: which map (arena rooms; battle rooms size their own map). */
  map: z.enum(MAP_IDS).optional(),
  /** Join only: watch without a player (a separate limit; see the `spectate` message). */
  spectate: z.boolean().optional(),
});
export type JoinOptions = z.input<typeof joinOptionsSchema>;

/**
 * Client -> server echo of a netcode report: `[report id, interpolation delay ms]`. The server
 * times the round trip itself and bounds the client's lag compensation with it.
 */
export const netPongSchema = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(NET_PONG_DELAY_MAX_MS)]);
export type NetPong = z.input<typeof netPongSchema>;

/**
 * Server -> client netcode report, every NET_REPORT_INTERVAL_MS (with a patch):
 * `[id, rttMs, spare, late]`: a ping id to echo, the last round trip the server measured
 * (-1: none since the last report), the fewest spare inputs it held for this client over the
 * window, and the ticks in the window that found no input from it.
 */
export type NetReport = [id: number, rttMs: number, spare: number, late: number];
/** A spectator's camera: follow a player by session id, or roam to a point of the map. */
export const spectateSchema = z.union([
  z.strictObject({ follow: z.string().min(1).max(64) }),
  z.strictObject({ x: z.number().finite().min(-1e6).max(1e6), y: z.number().finite().min(-1e6).max(1e6) }),
]);
export type SpectateMessage = z.input<typeof spectateSchema>;

/** Client -> server messages (msgpackr-encoded Colyseus messages). */
export const clientMessageSchemas = {
  chat: z.strictObject({ text: z.string().max(CHAT_MAX_CHARS * 4).transform(cleanText).pipe(z.string().min(1).max(CHAT_MAX_CHARS)) }),
  netp: netPongSchema,
  spectate: spectateSchema,
} as const;
export type ClientMessageType = keyof typeof clientMessageSchemas;
export type ClientMessage<T extends ClientMessageType> = z.input<(typeof clientMessageSchemas)[T]>;

/** Server -> client messages. */
export interface ServerMessages {
  /** A kill for the feed. */
  kill: { killerId: string; victimId: string; killerName: string; victimName: string; tick: number };
  /** A chat line, already cleaned. */
  chat: { fromId: string; name: string; text: string };
  /** Sent once on joining: the room's recent chat, oldest first. */
  chatHistory: { lines: Array<{ fromId: string; name: string; text: string }> };
  /** Netcode report (input buffer depth, ping). */
  net: NetReport;
  /** The match is over (final scores); the room closes right after with MATCH_ENDED or SHUTDOWN_DEADLINE. */
  matchEnd: MatchEnd;
  /** Sent to a player who reconnected: the last of their inputs the server applied before the drop. */
  resumed: { lastInputSeq: number };
}

/**
 * The match clock and connection policy. Carried in the room state (matchEndsAtTick, draining,
 * reconnectWindowS), so a client has it from its first full state; the session turns it into this.
 */
export interface MatchInfo {
  /** Tick at which the match ends (null: it runs until everyone leaves). */
  endsAtTick: number | null;
  /** The server is shutting down: no new players, and the match ends at `endsAtTick` at the latest. */
  draining: boolean;
  /** Seconds a dropped player's seat is kept for reconnection. */
  reconnectWindowS: number;
}

export interface MatchEnd {
  /**
   * `time`: the match ran its length. `decided`: the game's own end (a score reached).
   * `shutdown`: the server's drain deadline cut it short.
   */
  reason: 'time' | 'decided' | 'shutdown';
  tick: number;
  /** Best first (kills, then fewer deaths). */
  scores: Array<{ id: string; name: string; kills: number; deaths: number }>;
  /** The match's record (GET /api/matches/{matchId}: its table and rating changes), when the server keeps results. */
  matchId?: string;
}

/** Metadata the arena room publishes to matchmaking and the public room list. */
export interface ArenaMetadata {
  code: string;
  private: boolean;
  mapId: string;
  /** Room type (`arena` or `battle`). */
  kind?: string;
  /** Players and spectators now, and the room's limits for each. */
  players?: number;
  maxPlayers?: number;
  spectators?: number;
  maxSpectators?: number;
  /** Mean skill (OpenSkill μ) of the rated players seated now, null when none is; quick play reads it (docs/RESULTS.md). */
  meanSkill?: number | null;
}

/** Quick play's choice by rating (server/api/quickPlayApi.ts): `GET` with the guest token, `?kind=` the room type. */
export const QUICK_PLAY_PATH = '/api/quickplay';
/** Its answer: the room to join by id, or null to matchmake as usual (fullest room with space, else a new one). */
export interface QuickPlayAnswer {
  roomId: string | null;
  reason: 'near_rating' | 'unrated' | 'none_near';
}

/** One entry of `GET /api/rooms`. */
export interface RoomListing {
  code: string;
  /** Players in the room (spectators are counted separately). */
  clients: number;
  /** Player seats. */
  maxClients: number;
  mapId: string;
  /** Room type (`arena` or `battle`). */
  kind?: string;
  spectators?: number;
  maxSpectators?: number;
}
