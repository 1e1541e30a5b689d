import { z } from 'zod';
import { MAP_IDS } from './maps.ts';
import { CHAT_MAX_CHARS, MAX_PLAYERS_PER_ROOM_LIMIT, NAME_MAX_CHARS, ROOM_CODE_ALPHABET, ROOM_CODE_CHARS } from './constants.ts';

/**
 * Schemas for everything a client may say besides inputs. The server validates every message
 * against these before any handler runs; the client imports only the inferred types.
 * Objects are strict: an unknown key (including `__proto__`) is a violation.
 */

/** Characters that change how text renders rather than what it says. */
// eslint-disable-next-line no-control-regex
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function cleanText(text: string): string {
  return text.replace(INVISIBLE_OR_CONTROL, '').replace(/\s+/g, ' ').trim();
}

export const displayName = z
  .string()
  .max(NAME_MAX_CHARS * 4)
  .transform(cleanText)
  .pipe(z.string().min(1, 'name is empty').max(NAME_MAX_CHARS, `name is longer than ${NAME_MAX_CHARS} characters`));

const roomCodePattern = new RegExp(`^[${ROOM_CODE_ALPHABET}]{${ROOM_CODE_CHARS}}$`);
export const roomCode = z.string().transform((s) => s.trim().toUpperCase()).pipe(z.string().regex(roomCodePattern, 'not a room code'));

/** Options a client passes to join or create an arena room. */
export const joinOptionsSchema = z.strictObject({
  name: displayName,
  /** Create only: hide the room from quick play and the public list (join by code). */
  private: z.boolean().optional(),
  /** Create only: room size. */
  maxPlayers: z.number().int().min(2).max(MAX_PLAYERS_PER_ROOM_LIMIT).optional(),
  /** Create only: which map. */
  map: z.enum(MAP_IDS).optional(),
});
export type JoinOptions = z.input<typeof joinOptionsSchema>;

/** Client -> server messages (msgpackr-encoded Colyseus messages). */
export const clientMessageSchemas = {
  chat: z.strictObject({ text: z.string().max(CHAT_MAX_CHARS * 4).transform(cleanText).pipe(z.string().min(1).max(CHAT_MAX_CHARS)) }),
} as const;
export type ClientMessageType = keyof typeof clientMessageSchemas;
export type ClientMessage<T extends ClientMessageType> = z.input<(typeof clientMessageSchemas)[T]>;

/** Server -> client messages. */
export interface ServerMessages {
  /** A kill for the feed. */
  kill: { killerId: string; victimId: string; killerName: string; victimName: string; tick: number };
  /** A chat line, already cleaned. */
  chat: { fromId: string; name: string; text: string };
  /** The match clock and connection policy: sent on join, on reconnect and whenever it changes. */
  match: MatchInfo;
  /** The match is over (final scores); the room closes right after with MATCH_ENDED or SHUTDOWN_DEADLINE. */
  matchEnd: MatchEnd;
  /** Sent to a player who reconnected: the last of their inputs the server applied before the drop. */
  resumed: { lastInputSeq: number };
}

export interface MatchInfo {
  /** Tick at which the match ends (null: it runs until everyone leaves). */
  endsAtTick: number | null;
  /** The server is shutting down: no new players, and the match ends at `endsAtTick` at the latest. */
  draining: boolean;
  /** Seconds a dropped player's seat is kept for reconnection. */
  reconnectWindowS: number;
}

export interface MatchEnd {
  /** `time`: the match ran its length. `shutdown`: the server's drain deadline cut it short. */
  reason: 'time' | 'shutdown';
  tick: number;
  /** Best first (kills, then fewer deaths). */
  scores: Array<{ id: string; name: string; kills: number; deaths: number }>;
}

/** Metadata the arena room publishes to matchmaking and the public room list. */
export interface ArenaMetadata {
  code: string;
  private: boolean;
  mapId: string;
}

/** One entry of `GET /api/rooms`. */
export interface RoomListing {
  code: string;
  clients: number;
  maxClients: number;
  mapId: string;
}
